import type { ChatCompletionUsage } from "../lib/openai-types.ts";
import type { NormalizedUsage } from "../lib/usage.ts";

/**
 * Normalised usage in OpenAI's shape, for answers whose upstream reports usage differently (Anthropic) or has no
 * usage object of its own (prompt-cache replays): `prompt_tokens` includes cached reads and cache writes, and
 * reasoning sits in the details.
 */
export function toOpenAIUsage(usage: NormalizedUsage): ChatCompletionUsage {
  const promptTokens = usage.inputUncached + usage.cacheRead + usage.cacheWrite;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.output,
    total_tokens: promptTokens + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead, cache_write_tokens: usage.cacheWrite },
    completion_tokens_details: { reasoning_tokens: usage.reasoning },
  };
}
