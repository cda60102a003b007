/**
 * Gemini `usageMetadata` -> the normalised usage and OpenAI's usage shape.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 *
 * - `promptTokenCount` INCLUDES `cachedContentTokenCount`; `toolUsePromptTokenCount` (results of Google's built-in
 *   tools, which this gateway does not enable) is input as well and is added to the prompt.
 * - `thoughtsTokenCount` is billed as output and reported apart from `candidatesTokenCount`: output is their sum.
 */
import type { ChatCompletionUsage } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { isJsonObject } from "./gemini-api-types.ts";

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

interface GeminiTokenCounts {
  prompt: number;
  cached: number;
  candidates: number;
  thoughts: number;
}

function readCounts(usageMetadata: Record<string, unknown>): GeminiTokenCounts {
  const prompt = count(usageMetadata.promptTokenCount) + count(usageMetadata.toolUsePromptTokenCount);
  return {
    prompt,
    cached: Math.min(prompt, count(usageMetadata.cachedContentTokenCount)),
    candidates: count(usageMetadata.candidatesTokenCount),
    thoughts: count(usageMetadata.thoughtsTokenCount),
  };
}

/** Reads `usageMetadata` when the response has one (an object), else null. */
export function readUsageMetadata(response: Record<string, unknown>): Record<string, unknown> | null {
  return isJsonObject(response.usageMetadata) ? response.usageMetadata : null;
}

/** Normalised usage: uncached = prompt − cached, output = candidates + thoughts, reasoning = thoughts. */
export function convertFromGeminiUsage(usageMetadata: Record<string, unknown>): NormalizedUsage {
  const { prompt, cached, candidates, thoughts } = readCounts(usageMetadata);
  return {
    inputUncached: prompt - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: candidates + thoughts,
    reasoning: thoughts,
    source: "provider",
  };
}

/** OpenAI usage: `prompt_tokens` includes cached reads, `completion_tokens` includes reasoning. */
export function convertGeminiUsageToOpenAI(usageMetadata: Record<string, unknown>): ChatCompletionUsage {
  const { prompt, cached, candidates, thoughts } = readCounts(usageMetadata);
  return {
    prompt_tokens: prompt,
    completion_tokens: candidates + thoughts,
    total_tokens: prompt + candidates + thoughts,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
