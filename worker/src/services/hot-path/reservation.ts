import { ratesFor } from "../../catalog/pricing.ts";
import type { ModelEntry, Price } from "../../catalog/types.ts";
import type { NormalizedUsage } from "../../providers/types.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";

/** Output tokens assumed when a request sets no max_tokens. */
export const DEFAULT_RESERVED_OUTPUT_TOKENS = 4096;

/**
 * The credit reserved at admission: the most this request should cost, from its prompt size (4 characters per
 * token) and its max_tokens (or DEFAULT_RESERVED_OUTPUT_TOKENS) at the model's uncached prices (of the long-context
 * band when the estimated prompt is above its threshold). Admission needs a
 * positive balance and deducts the reservation atomically; settlement returns what was not spent. So the overdraft
 * of an account is bounded by its concurrent requests times what one request can exceed its reservation by (only
 * when it sets no max_tokens and writes more than 4096 tokens).
 */
export function reservationMicroUsd(request: ChatCompletionRequest, promptCharacters: number, price: Price): number {
  const maxOutput = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS;
  const promptTokens = Math.ceil(promptCharacters / 4);
  const rates = ratesFor(price, promptTokens);
  const picoUsd = promptTokens * rates.input + maxOutput * rates.output;
  return Math.ceil(picoUsd / 1_000_000);
}

/**
 * What a prompt-cache hit costs: every token of the original answer (prompt and completion) at the model's
 * cached-input price, rounded up. A hit spends no upstream capacity, so it is priced like a provider cache read.
 */
export function cacheHitCostMicroUsd(usage: NormalizedUsage, model: ModelEntry, price: Price = model.price): number {
  const tokens = usage.inputUncached + usage.cacheRead + usage.cacheWrite + usage.output;
  return Math.ceil((tokens * price.cachedInput) / 1_000_000);
}
