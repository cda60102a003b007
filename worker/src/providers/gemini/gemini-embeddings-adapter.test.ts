import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { EmbeddingContext } from "../embedding-types.ts";
import { geminiEmbeddingAdapter } from "./gemini-embeddings-adapter.ts";

const context = (dimensions: number | null = null): EmbeddingContext => ({
  request: {
    model: "gemini/gemini-embedding-001",
    inputs: { kind: "text", texts: ["one", "two"] },
    dimensions,
    encodingFormat: "float",
    user: "end-user-7",
  },
  upstreamModel: "gemini-embedding-001",
  target: { baseUrl: "https://generativelanguage.example.test/", apiKey: "g-key" },
});

describe("Gemini embeddings adapter", () => {
  it("sends one batchEmbedContents request per input, the key in x-goog-api-key, dimensions as outputDimensionality", () => {
    const upstream = geminiEmbeddingAdapter.buildEmbeddingRequest(context(768));
    expect(upstream.url).toBe(
      "https://generativelanguage.example.test/v1beta/models/gemini-embedding-001:batchEmbedContents",
    );
    expect(upstream.headers["x-goog-api-key"]).toBe("g-key");
    expect(upstream.url).not.toContain("key=");
    expect(JSON.parse(upstream.body)).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "one" }] }, outputDimensionality: 768 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "two" }] }, outputDimensionality: 768 },
      ],
    });
    expect(JSON.parse(geminiEmbeddingAdapter.buildEmbeddingRequest(context()).body).requests[0]).not.toHaveProperty(
      "outputDimensionality",
    );
  });

  it("reads the vectors in order and usageMetadata.promptTokenCount, or no usage when absent", () => {
    const json = { embeddings: [{ values: [0.1] }, { values: [0.2] }], usageMetadata: { promptTokenCount: 4 } };
    const result = geminiEmbeddingAdapter.parseEmbeddingResponse(json, context());
    expect(result.vectors).toEqual([[0.1], [0.2]]);
    expect(result.usage).toMatchObject({ inputUncached: 4, output: 0, source: "provider" });
    const { usageMetadata: _dropped, ...withoutUsage } = json;
    expect(geminiEmbeddingAdapter.parseEmbeddingResponse(withoutUsage, context()).usage).toBeNull();
  });

  it("refuses an answer with the wrong number of vectors", () => {
    expect(() => geminiEmbeddingAdapter.parseEmbeddingResponse({ embeddings: [{ values: [0.1] }] }, context())).toThrow(
      GatewayError,
    );
  });
});
