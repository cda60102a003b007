/**
 * OpenAI Responses API usage -> the gateway's normalised usage.
 * https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 * `input_tokens` counts every prompt token: cache reads (`input_tokens_details.cached_tokens`) and cache writes
 * (`cache_write_tokens`) are inside it, so the uncached rest is what remains; `output_tokens` includes reasoning
 * (`output_tokens_details.reasoning_tokens`). Never counts a cached token twice.
 */
import type { NormalizedUsage } from "../../lib/usage.ts";

type RawUsage = Record<string, unknown>;

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
const nested = (usage: RawUsage, field: string): RawUsage =>
  usage[field] && typeof usage[field] === "object" ? (usage[field] as RawUsage) : {};

export function convertResponsesUsage(usage: RawUsage): NormalizedUsage {
  const input = count(usage.input_tokens);
  const details = nested(usage, "input_tokens_details");
  const cacheRead = Math.min(input, count(details.cached_tokens));
  const cacheWrite = Math.min(input - cacheRead, count(details.cache_write_tokens));
  const output = count(usage.output_tokens);
  return {
    inputUncached: input - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output,
    reasoning: Math.min(output, count(nested(usage, "output_tokens_details").reasoning_tokens)),
    source: "provider",
  };
}
