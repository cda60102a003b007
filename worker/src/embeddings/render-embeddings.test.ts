import { describe, expect, it } from "vitest";
import { float32Base64, renderEmbeddings } from "./render-embeddings.ts";

/** Decodes as the official openai SDK does (lib/embeddings.ts: toFloat32Array). */
const decode = (base64: string): number[] => {
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  return Array.from(new Float32Array(bytes.buffer));
};

const usage = { inputUncached: 9, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, source: "provider" as const };
const cost = { microUsd: 1, parts: { input: 0.00000018, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 } };

describe("embeddings answer", () => {
  it("renders OpenAI's list with usage, the cost in USD and its parts", () => {
    const answer = renderEmbeddings({
      vectors: [[0.5, -0.25], [1]],
      encodingFormat: "float",
      modelId: "openai/text-embedding-3-small",
      usage,
      cost,
    });
    expect(answer).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5, -0.25] },
        { object: "embedding", index: 1, embedding: [1] },
      ],
      model: "openai/text-embedding-3-small",
      usage: {
        prompt_tokens: 9,
        total_tokens: 9,
        cost: 0.000001,
        cost_details: { input: 0.00000018, cache_read: 0, cache_write: 0, output: 0, reasoning: 0 },
      },
    });
  });

  it("encodes base64 as little-endian float32, which the SDK's decoding turns back into the vector", () => {
    const vector = [0.1, -2.5, 3.75, 1e-7];
    expect(decode(float32Base64(vector))).toEqual(vector.map((value) => Math.fround(value)));
    expect(float32Base64([1])).toBe("AACAPw==");
    const answer = renderEmbeddings({ vectors: [vector], encodingFormat: "base64", modelId: "m", usage, cost });
    expect(answer.data[0]?.embedding).toBe(float32Base64(vector));
  });
});
