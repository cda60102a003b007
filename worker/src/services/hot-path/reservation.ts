import { maxOutputTokens } from "../../catalog/output-limits.ts";
import { ratesFor } from "../../catalog/pricing.ts";
import type { ModelEntry, Price } from "../../catalog/types.ts";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { zeroCost, type RequestCost } from "../../lib/cost.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { estimatePromptTokens } from "./prompt-tokens.ts";

/** The largest thinking budget an adapter may add on top of max_tokens (Anthropic's `high`). */
export const MAX_THINKING_BUDGET_TOKENS = 16_384;

/**
 * The output tokens a request asks for: its `max_completion_tokens` (else `max_tokens`), which may not exceed the
 * model's output limit (a 400 naming the parameter), or the limit itself when it sets none.
 */
export function requestedOutputTokens(request: ChatCompletionRequest, model: ModelEntry): number {
  const limit = maxOutputTokens(model.id);
  const param = request.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
  const asked = request.max_completion_tokens ?? request.max_tokens;
  if (asked == null) return limit;
  if (asked > limit) {
    throw new GatewayError(
      "invalid_request",
      `${param} is ${asked}, above ${model.id}'s output limit of ${limit} tokens.`,
      { param },
    );
  }
  return asked;
}

/**
 * The credit reserved at admission: what this request can cost at most, as near as the gateway can tell before the
 * upstream answers. Input: estimatePromptTokens (by script, images by allowance) at the highest input price the model
 * has in the band of that estimate (cache writes, 1-hour ones most, cost more than plain input; above a long-context
 * threshold every token costs the band's rate). Output: the requested output tokens (capped at the model's limit;
 * the limit when unset), plus the largest thinking budget when reasoning is asked for, at the output price.
 * Admission needs a positive balance and deducts the reservation atomically; settlement returns what was not spent.
 * The overdraft bound this gives is in docs/credit.md.
 */
export function reservationMicroUsd(request: ChatCompletionRequest, model: ModelEntry, price: Price): number {
  const inputTokens = estimatePromptTokens(request.messages, request.tools ?? null);
  const thinking =
    typeof request.reasoning_effort === "string" && request.reasoning_effort !== "none"
      ? MAX_THINKING_BUDGET_TOKENS
      : 0;
  const outputTokens = requestedOutputTokens(request, model) + thinking;
  const rates = ratesFor(price, inputTokens);
  const inputPrice = Math.max(rates.input, rates.cacheWrite ?? 0, rates.cacheWrite1h ?? 0);
  return Math.ceil((inputTokens * inputPrice + outputTokens * rates.output) / 1_000_000);
}

/**
 * What a prompt-cache hit costs: every token of the original answer (prompt and completion) at the model's
 * cached-input price, rounded up. A hit spends no upstream capacity, so it is priced like a provider cache read.
 */
export function cacheHitCostMicroUsd(usage: NormalizedUsage, model: ModelEntry, price: Price = model.price): number {
  return cacheHitCost(usage, model, price).microUsd;
}

/** `cacheHitCostMicroUsd` with its parts: all of it is a cache read. */
export function cacheHitCost(usage: NormalizedUsage, model: ModelEntry, price: Price = model.price): RequestCost {
  const tokens = usage.inputUncached + usage.cacheRead + usage.cacheWrite + usage.output;
  const picoUsd = tokens * price.cachedInput;
  return { microUsd: Math.ceil(picoUsd / 1_000_000), parts: { ...zeroCost.parts, cacheRead: picoUsd / 1e12 } };
}
