import { describe, expect, it } from "vitest";
import { estimateUsage, reasoningCharacters, withKnownUsage } from "./estimate-usage.ts";

describe("usage estimates", () => {
  it("counts reasoning text into the output and as reasoning tokens", () => {
    const choices = [{ delta: { reasoning_content: "x".repeat(40) } }, { delta: { content: "y".repeat(20) } }];
    expect(reasoningCharacters(choices)).toBe(40);
    expect(estimateUsage(80, 60, 40)).toEqual({
      inputUncached: 20,
      cacheRead: 0,
      cacheWrite: 0,
      output: 15,
      reasoning: 10,
      source: "estimated",
    });
  });

  it("takes the input the upstream already reported, exactly, and keeps the larger output", () => {
    const known = {
      inputUncached: 7,
      cacheRead: 900,
      cacheWrite: 3,
      output: 1,
      reasoning: 0,
      source: "provider" as const,
    };
    expect(withKnownUsage(estimateUsage(4000, 60, 40), known)).toEqual({
      inputUncached: 7,
      cacheRead: 900,
      cacheWrite: 3,
      output: 15,
      reasoning: 10,
      source: "estimated",
    });
    expect(withKnownUsage(estimateUsage(4000, 60), null)).toEqual(estimateUsage(4000, 60));
  });
});
