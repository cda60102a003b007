/**
 * A provider's traffic relayed through a self-hosted LiteLLM proxy (docs/litellm.md): the request is the provider's
 * own OpenAI-dialect body (openai-compatible/build-dialect-body.ts, so that provider's forwarding table still
 * applies), sent to the proxy's OpenAI-compatible `/chat/completions` with the LiteLLM model name
 * (litellm-models.ts) and the proxy's key. The answer and its usage are read in LiteLLM's OpenAI shape. The provider
 * id stays the original one: LiteLLM is a relay, so jurisdiction, price and the usage row's provider are unchanged.
 * https://docs.litellm.ai/docs/proxy/user_keys
 */
import type { NormalizedUsage } from "../../lib/usage.ts";
import { createOpenAICompatibleAdapter } from "../openai-compatible/adapter.ts";
import { count, nested, type RawUsage } from "../openai-compatible/convert-from-dialect-usage.ts";
import type { ProviderAdapter } from "../types.ts";
import type { LiteLLMProviderId } from "./litellm-models.ts";

const firstDefined = (...values: unknown[]): unknown => values.find((value) => value !== undefined && value !== null);

/**
 * LiteLLM's `usage` (its `Usage` object, OpenAI semantics): `prompt_tokens` includes cached reads and writes,
 * `completion_tokens` includes reasoning. Cached reads are `prompt_tokens_details.cached_tokens`, or the
 * provider-style fields LiteLLM passes along when the details are absent (`cache_read_input_tokens`, DeepSeek's
 * `prompt_cache_hit_tokens`); cache writes are `cache_creation_input_tokens` (or
 * `prompt_tokens_details.cache_creation_tokens`).
 */
export function convertLiteLLMUsage(usage: RawUsage): NormalizedUsage {
  const prompt = count(usage.prompt_tokens);
  const details = nested(usage, "prompt_tokens_details");
  const cacheRead = Math.min(
    prompt,
    count(firstDefined(details.cached_tokens, usage.cache_read_input_tokens, usage.prompt_cache_hit_tokens)),
  );
  const cacheWrite = Math.min(
    prompt - cacheRead,
    count(firstDefined(usage.cache_creation_input_tokens, details.cache_creation_tokens)),
  );
  return {
    inputUncached: prompt - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output: count(usage.completion_tokens),
    reasoning: count(nested(usage, "completion_tokens_details").reasoning_tokens),
    source: "provider",
  };
}

/** The adapter of `provider` relayed through LiteLLM (the base URL and key are the proxy's, from the route target). */
export function createLiteLLMAdapter(provider: LiteLLMProviderId): ProviderAdapter {
  return createOpenAICompatibleAdapter(provider, "", { convertUsage: convertLiteLLMUsage });
}
