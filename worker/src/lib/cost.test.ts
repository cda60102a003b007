import { describe, expect, it } from "vitest";
import { costUsd, costUsdText, usageCostFields, zeroCost } from "./cost.ts";

const withMicro = (microUsd: number) => ({ ...zeroCost, microUsd });

describe("cost in USD", () => {
  it.each([
    [0, "0"],
    [1, "0.000001"],
    [10, "0.00001"],
    [123, "0.000123"],
    [1_500_000, "1.5"],
    [2_000_000, "2"],
    [12_345_678_901, "12345.678901"],
  ])("%i micro-USD is the decimal %s, never an exponent, and the same number as usage.cost", (micro, text) => {
    expect(costUsdText(withMicro(micro))).toBe(text);
    expect(Number(costUsdText(withMicro(micro)))).toBe(costUsd(withMicro(micro)));
    expect(JSON.stringify(costUsd(withMicro(micro)))).toBe(text);
  });

  it("the header text equals the body's JSON number for every micro-USD amount up to 10 USD in steps", () => {
    for (let micro = 0; micro <= 10_000_000; micro += 997) {
      expect(costUsdText(withMicro(micro))).toBe(JSON.stringify(costUsd(withMicro(micro))));
    }
  });

  it("renders the parts as OpenRouter-style cost_details, unrounded", () => {
    const cost = {
      microUsd: 3,
      parts: { input: 1e-7, cacheRead: 2.5e-7, cacheWrite: 0, output: 2e-6, reasoning: 1e-6 },
    };
    expect(usageCostFields(cost)).toEqual({
      cost: 0.000003,
      cost_details: { input: 1e-7, cache_read: 2.5e-7, cache_write: 0, output: 2e-6, reasoning: 1e-6 },
    });
  });
});
