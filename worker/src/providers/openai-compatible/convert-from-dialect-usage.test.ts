import { describe, expect, it } from "vitest";
import { convertDeepSeekUsage, convertMoonshotUsage, convertOpenAIUsage } from "./convert-from-dialect-usage.ts";

describe("usage normalisation", () => {
  it("OpenAI: prompt includes cached reads and writes; completion includes reasoning", () => {
    expect(
      convertOpenAIUsage({
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 15 },
      }),
    ).toEqual({ inputUncached: 50, cacheRead: 30, cacheWrite: 20, output: 40, reasoning: 15, source: "provider" });
  });

  it("DeepSeek: uncached is the cache miss count", () => {
    expect(
      convertDeepSeekUsage({
        prompt_tokens: 50,
        completion_tokens: 5,
        prompt_cache_hit_tokens: 45,
        prompt_cache_miss_tokens: 5,
        prompt_tokens_details: { cached_tokens: 45 },
      }),
    ).toMatchObject({ inputUncached: 5, cacheRead: 45, output: 5 });
  });

  it("Moonshot: cached_tokens at the top level", () => {
    expect(
      convertMoonshotUsage({ prompt_tokens: 20, completion_tokens: 3, total_tokens: 23, cached_tokens: 8 }),
    ).toMatchObject({
      inputUncached: 12,
      cacheRead: 8,
      output: 3,
    });
  });

  it("ignores missing, negative and non-numeric fields", () => {
    expect(convertOpenAIUsage({ prompt_tokens: "12", completion_tokens: -3 })).toEqual({
      inputUncached: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
      source: "provider",
    });
  });
});
