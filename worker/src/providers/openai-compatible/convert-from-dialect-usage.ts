import type { NormalizedUsage } from "../../lib/usage.ts";

export type RawUsage = Record<string, unknown>;

export const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
export const nested = (usage: RawUsage, field: string): RawUsage =>
  usage[field] && typeof usage[field] === "object" ? (usage[field] as RawUsage) : {};

/**
 * OpenAI semantics: `prompt_tokens` includes cached reads (and cache writes where reported), `completion_tokens`
 * includes reasoning. Used by OpenAI, Z.ai and MiniMax; Qwen's and DeepSeek's build on it.
 */
export function convertOpenAIUsage(usage: RawUsage): NormalizedUsage {
  const prompt = count(usage.prompt_tokens);
  const details = nested(usage, "prompt_tokens_details");
  const cacheRead = Math.min(prompt, count(details.cached_tokens));
  const cacheWrite = Math.min(prompt - cacheRead, count(details.cache_write_tokens));
  return {
    inputUncached: prompt - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output: count(usage.completion_tokens),
    reasoning: count(nested(usage, "completion_tokens_details").reasoning_tokens),
    source: "provider",
  };
}

/** DeepSeek: `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens` = `prompt_tokens`. */
export function convertDeepSeekUsage(usage: RawUsage): NormalizedUsage {
  if (usage.prompt_cache_hit_tokens === undefined && usage.prompt_cache_miss_tokens === undefined) {
    return convertOpenAIUsage(usage);
  }
  const base = convertOpenAIUsage(usage);
  const hit = count(usage.prompt_cache_hit_tokens);
  const miss =
    usage.prompt_cache_miss_tokens === undefined
      ? count(usage.prompt_tokens) - hit
      : count(usage.prompt_cache_miss_tokens);
  return { ...base, inputUncached: Math.max(0, miss), cacheRead: hit, cacheWrite: 0 };
}

/**
 * Qwen (DashScope compatible mode): the OpenAI fields, plus explicit-cache writes in
 * `prompt_tokens_details.cache_creation_input_tokens` (inside `prompt_tokens`, billed at 125% of input), split by TTL
 * in `prompt_tokens_details.cache_creation` (`ephemeral_5m_input_tokens`, `ephemeral_1h_input_tokens`).
 * https://www.alibabacloud.com/help/en/model-studio/context-cache (explicit cache),
 * https://www.alibabacloud.com/help/en/model-studio/explicit-cache-qwen4
 */
export function convertQwenUsage(usage: RawUsage): NormalizedUsage {
  const base = convertOpenAIUsage(usage);
  const details = nested(usage, "prompt_tokens_details");
  const reported = count(details.cache_creation_input_tokens ?? usage.cache_creation_input_tokens);
  const written = Math.min(base.inputUncached + base.cacheWrite, Math.max(reported, base.cacheWrite));
  if (written === base.cacheWrite) return base;
  const oneHour = Math.min(written, count(nested(details, "cache_creation").ephemeral_1h_input_tokens));
  return {
    ...base,
    inputUncached: base.inputUncached + base.cacheWrite - written,
    cacheWrite: written,
    ...(oneHour > 0 ? { cacheWrite1h: oneHour } : {}),
  };
}

/** Moonshot (Kimi): `cached_tokens` at the top level of usage (newer), or the OpenAI details field. */
export function convertMoonshotUsage(usage: RawUsage): NormalizedUsage {
  const base = convertOpenAIUsage(usage);
  if (usage.cached_tokens === undefined) return base;
  const prompt = count(usage.prompt_tokens);
  const cacheRead = Math.min(prompt, count(usage.cached_tokens));
  return { ...base, inputUncached: prompt - cacheRead, cacheRead, cacheWrite: 0 };
}
