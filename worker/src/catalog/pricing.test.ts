import { describe, expect, it } from "vitest";
import { MODELS } from "./models.ts";
import { computeCostMicroUsd } from "./pricing.ts";

const price = { input: 300_000, cachedInput: 6_000, output: 1_200_000, version: "t", source: "t" };

describe("computeCostMicroUsd", () => {
  it("multiplies each token class by its price per 1M tokens, rounding up to a whole micro-USD", () => {
    // 1000 * 0.30 + 500 * 0.006 + 200 * 1.20 USD per 1M = 543 micro-USD exactly
    expect(computeCostMicroUsd({ inputUncached: 1000, cacheRead: 500, cacheWrite: 0, output: 200, reasoning: 50, source: "provider" }, price)).toBe(543);
    expect(computeCostMicroUsd({ inputUncached: 1, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, source: "provider" }, price)).toBe(1);
    expect(computeCostMicroUsd({ inputUncached: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, source: "provider" }, price)).toBe(0);
  });

  it("charges cache writes at the write price, or the input price when the provider has none", () => {
    const usage = { inputUncached: 0, cacheRead: 0, cacheWrite: 1_000_000, output: 0, reasoning: 0, source: "provider" as const };
    expect(computeCostMicroUsd(usage, price)).toBe(300_000);
    expect(computeCostMicroUsd(usage, { ...price, cacheWrite: 375_000 })).toBe(375_000);
  });

  it("every catalog entry has a provider/model id, integer prices and a source", () => {
    for (const model of MODELS) {
      expect(model.id).toMatch(/^[a-z]+\/[\w.-]+$/);
      for (const value of [model.price.input, model.price.cachedInput, model.price.output]) expect(Number.isInteger(value)).toBe(true);
      expect(model.price.source.length).toBeGreaterThan(0);
    }
  });
});
