/**
 * The token side of an embeddings request before (or without) the upstream's count: the credit reservation at
 * admission, and the estimate billed when an upstream reports no usage or the client leaves before the answer.
 */
import { estimateUsage } from "../lib/estimate-usage.ts";
import type { EmbeddingInputs } from "../lib/embedding-request.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { Price } from "../catalog/types.ts";
import { estimatePromptTokens } from "../services/hot-path/prompt-tokens.ts";

const tokenTotal = (tokens: readonly number[][]): number => tokens.reduce((sum, input) => sum + input.length, 0);

/**
 * The credit reserved at admission: the inputs' generous token estimate (prompt-tokens.ts: by script; token arrays
 * counted exactly) at the input price, rounded up. Settlement returns what the upstream's count does not use.
 */
export function embeddingReservationMicroUsd(inputs: EmbeddingInputs, price: Price): number {
  const tokens = inputs.kind === "text" ? estimatePromptTokens(inputs.texts) : tokenTotal(inputs.tokens);
  return Math.ceil((tokens * price.input) / 1_000_000);
}

/** What is billed without the upstream's count: 4 characters per token of text, token arrays exactly. */
export function estimatedEmbeddingUsage(inputs: EmbeddingInputs): NormalizedUsage {
  if (inputs.kind === "tokens") return { ...estimateUsage(0, 0), inputUncached: tokenTotal(inputs.tokens) };
  return estimateUsage(
    inputs.texts.reduce((sum, text) => sum + text.length, 0),
    0,
  );
}
