import { describe, expect, it } from "vitest";
import { countTokens, reasoningText, replyText, splitIntoChunks, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

describe("countTokens", () => {
  it("counts words and single punctuation or symbol code points", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("   \n\t ")).toBe(0);
    expect(countTokens("Hello, world!")).toBe(4);
    expect(countTokens("café 🙂.")).toBe(3);
    expect(countTokens('{"city":"Dhaka"}')).toBe(9);
    expect(countTokens("e\u0301t\u00e9 42")).toBe(2);
  });

  it("is additive over texts joined by whitespace", () => {
    const parts = ["You are terse.", "What's the weather?", '[{"type":"function"}]'];
    expect(countTokens(parts.join("\n"))).toBe(parts.reduce((sum, part) => sum + countTokens(part), 0));
  });
});

describe("replyText", () => {
  it("is deterministic per model, has the asked word count plus a full stop, and a multi-byte character", () => {
    for (const words of [1, 2, 5, 12, 40]) {
      const text = replyText("model-a", words);
      expect(text).toBe(replyText("model-a", words));
      expect(countTokens(text)).toBe(words + 1);
      expect(Buffer.byteLength(text, "utf8")).toBeGreaterThan(text.length - 1);
      expect(/[^\x00-\x7f]/.test(text)).toBe(true);
      expect(text.endsWith(".")).toBe(true);
    }
    expect(replyText("model-a", 12)).not.toBe(replyText("model-b", 12));
    expect(countTokens(reasoningText("m", 7))).toBe(8);
  });
});

describe("splitIntoChunks", () => {
  it("splits on code points into at most the asked number of non-empty pieces", () => {
    const text = "ab🙂cdé";
    expect(splitIntoChunks(text, 3).join("")).toBe(text);
    expect(splitIntoChunks(text, 3)).toHaveLength(3);
    expect(splitIntoChunks(text, 100)).toEqual(["a", "b", "🙂", "c", "d", "é"]);
    expect(splitIntoChunks(text, 1)).toEqual([text]);
    expect(splitIntoChunks(TOOL_ARGUMENTS_JSON, 4).join("")).toBe(TOOL_ARGUMENTS_JSON);
  });
});
