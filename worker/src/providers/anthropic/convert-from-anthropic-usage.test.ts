import { describe, expect, it } from "vitest";
import { convertFromAnthropicUsage } from "./convert-from-anthropic-usage.ts";

describe("convertFromAnthropicUsage", () => {
  it("keeps the 1-hour part of the cache writes apart (billed at the 1-hour rate)", () => {
    const usage = convertFromAnthropicUsage({
      input_tokens: 10,
      cache_read_input_tokens: 5,
      cache_creation_input_tokens: 300,
      output_tokens: 7,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    });
    expect(usage).toMatchObject({ inputUncached: 10, cacheRead: 5, cacheWrite: 300, cacheWrite1h: 200, output: 7 });
  });

  it("counts every write as 5-minute without the split, and never less than the split's sum", () => {
    expect(
      convertFromAnthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 40 }).cacheWrite1h,
    ).toBeUndefined();
    const usage = convertFromAnthropicUsage({
      cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
    });
    expect(usage).toMatchObject({ cacheWrite: 7, cacheWrite1h: 4 });
  });
});
