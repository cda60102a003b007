import { describe, expect, it } from "vitest";
import { embeddingReservationMicroUsd, estimatedEmbeddingUsage } from "./embedding-usage.ts";

const price = { input: 150_000, cachedInput: 150_000, output: 0, version: "t", source: "t" };

describe("embeddings usage before the upstream's count", () => {
  it("reserves the inputs' generous estimate at the input price, token arrays counted exactly", () => {
    // 3000 ASCII characters -> 1000 tokens (3 characters a token) x 0.15 USD per 1M = 150 micro-USD.
    expect(embeddingReservationMicroUsd({ kind: "text", texts: ["a".repeat(1_500), "b".repeat(1_500)] }, price)).toBe(
      150,
    );
    // CJK: 2 tokens per character, so a Chinese input is not under-reserved.
    expect(embeddingReservationMicroUsd({ kind: "text", texts: ["数据".repeat(500)] }, price)).toBe(300);
    expect(embeddingReservationMicroUsd({ kind: "tokens", tokens: [[1, 2, 3], [4]] }, price)).toBe(1);
  });

  it("bills the same estimate when the upstream reports no count, marked estimated", () => {
    const inputs = { kind: "text" as const, texts: ["abcdef", "数据"] };
    // "abcdef": 2 tokens (3 ASCII characters each); "数据": 4 (2 per CJK character).
    expect(estimatedEmbeddingUsage(inputs)).toEqual({
      inputUncached: 6,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
      source: "estimated",
    });
    expect(estimatedEmbeddingUsage({ kind: "tokens", tokens: [[1, 2, 3], [4]] })).toMatchObject({
      inputUncached: 4,
      source: "estimated",
    });
    // An estimated bill never exceeds what was reserved for it.
    const price = { input: 1_000_000, cachedInput: 1_000_000, output: 0, version: "t", source: "t" };
    expect(embeddingReservationMicroUsd(inputs, price)).toBe(6);
  });
});
