/** Usage objects and error bodies of the OpenAI-style providers, each with its own quirks. */
import type { PlannedUsage } from "./completion-plan.ts";
import type { JsonObject, ProviderName } from "./dialect.ts";

/**
 * The `usage` object as each OpenAI-compatible provider sends it:
 * - all: `prompt_tokens` (cached included), `completion_tokens` (reasoning included), `total_tokens`;
 * - openai: `prompt_tokens_details { cached_tokens, cache_write_tokens, audio_tokens }`,
 *   `completion_tokens_details { reasoning_tokens, audio_tokens, accepted/rejected_prediction_tokens }`;
 * - deepseek: the OpenAI details plus top-level `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`
 *   (hit + miss = prompt);
 * - moonshot: top-level `cached_tokens`, no details objects;
 * - qwen, zai, minimax: `prompt_tokens_details { cached_tokens }`, `completion_tokens_details { reasoning_tokens }`;
 * - qwen also reports explicit-cache writes (inside `prompt_tokens`) as
 *   `prompt_tokens_details { cache_creation_input_tokens, cache_creation { ephemeral_5m/1h_input_tokens }, cache_type}`
 *   (https://www.alibabacloud.com/help/en/model-studio/context-cache).
 */
export function openAiStyleUsage(provider: ProviderName, usage: PlannedUsage): JsonObject {
  const totals = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (provider === "moonshot") return { ...totals, cached_tokens: usage.cachedTokens };
  if (provider === "openai") {
    return {
      ...totals,
      prompt_tokens_details: {
        cached_tokens: usage.cachedTokens,
        cache_write_tokens: usage.cacheWriteTokens,
        audio_tokens: 0,
      },
      completion_tokens_details: {
        reasoning_tokens: usage.reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
  }
  const details = {
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
  if (provider === "qwen" && usage.cacheWriteTokens > 0) {
    return {
      ...totals,
      ...details,
      prompt_tokens_details: {
        cached_tokens: usage.cachedTokens,
        cache_creation_input_tokens: usage.cacheWriteTokens,
        cache_creation: {
          ephemeral_5m_input_tokens: usage.cacheWriteTokens - usage.cacheWrite1hTokens,
          ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
        },
        cache_type: "ephemeral",
      },
    };
  }
  if (provider === "deepseek") {
    return {
      ...totals,
      prompt_cache_hit_tokens: usage.cachedTokens,
      prompt_cache_miss_tokens: usage.promptTokens - usage.cachedTokens,
      ...details,
    };
  }
  return { ...totals, ...details };
}

const ERROR_KINDS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  402: { type: "insufficient_quota", code: "insufficient_quota" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

/** The OpenAI error body `{"error":{"message","type","param","code"}}` for a status. */
export function openAiErrorBody(status: number, message: string): JsonObject {
  const kind =
    ERROR_KINDS[status] ??
    (status >= 500 ? { type: "server_error", code: null } : { type: "invalid_request_error", code: null });
  return { error: { message, type: kind.type, param: null, code: kind.code } };
}
