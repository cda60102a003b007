/**
 * Anthropic usage -> the gateway's normalised usage and OpenAI's usage object.
 * https://docs.anthropic.com/en/api/messages (usage) and
 * https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 * `input_tokens` excludes cache reads and writes, so OpenAI's `prompt_tokens` is the sum of all three.
 * `output_tokens` already includes thinking tokens.
 */
import type { NormalizedUsage } from "../../lib/usage.ts";
import { isJsonObject, type AnthropicUsage } from "./anthropic-api-types.ts";

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/**
 * `reasoning` is the reported thinking token count (`output_tokens_details.thinking_tokens`), else 0. Cache writes
 * are split by TTL from `cache_creation` (`ephemeral_1h_input_tokens` are billed at the 1-hour rate, 2x input);
 * without the split every write counts as a 5-minute write. The total is never below the split's sum.
 */
export function convertFromAnthropicUsage(usage: AnthropicUsage): NormalizedUsage {
  const details = isJsonObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const creation = isJsonObject(usage.cache_creation) ? usage.cache_creation : {};
  const oneHour = count(creation.ephemeral_1h_input_tokens);
  const cacheWrite = Math.max(
    count(usage.cache_creation_input_tokens),
    oneHour + count(creation.ephemeral_5m_input_tokens),
  );
  return {
    inputUncached: count(usage.input_tokens),
    cacheRead: count(usage.cache_read_input_tokens),
    cacheWrite,
    ...(oneHour > 0 ? { cacheWrite1h: oneHour } : {}),
    output: count(usage.output_tokens),
    reasoning: count(details.thinking_tokens),
    source: "provider",
  };
}
