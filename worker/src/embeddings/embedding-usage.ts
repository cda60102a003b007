/**
 * The token side of an embeddings request before (or without) the upstream's count: the credit reservation at
 * admission, and the estimate billed when an upstream reports no count or the client leaves before the answer. Both
 * use the same generous estimate (services/hot-path/prompt-tokens.ts: ASCII 3 characters a token, other scripts 2
 * tokens a character), so an estimated bill never exceeds the reservation and never undercounts CJK text (an
 * upstream that reports no count, e.g. Gemini without `usageMetadata`, still bills by its tokenizer); token arrays
 * count exactly.
 */
import type { Price } from "../catalog/types.ts";
import type { EmbeddingInputs } from "../lib/embedding-request.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import { estimatePromptTokens } from "../services/hot-path/prompt-tokens.ts";

function estimatedTokens(inputs: EmbeddingInputs): number {
  if (inputs.kind === "tokens") return inputs.tokens.reduce((sum, input) => sum + input.length, 0);
  return inputs.texts.reduce((sum, text) => sum + estimatePromptTokens(text), 0);
}

/** The credit reserved at admission: the estimate at the input price, rounded up. Settlement returns the rest. */
export function embeddingReservationMicroUsd(inputs: EmbeddingInputs, price: Price): number {
  return Math.ceil((estimatedTokens(inputs) * price.input) / 1_000_000);
}

/** What is billed without the upstream's count, marked `estimated`. */
export function estimatedEmbeddingUsage(inputs: EmbeddingInputs): NormalizedUsage {
  return {
    inputUncached: estimatedTokens(inputs),
    cacheRead: 0,
    cacheWrite: 0,
    output: 0,
    reasoning: 0,
    source: "estimated",
  };
}
