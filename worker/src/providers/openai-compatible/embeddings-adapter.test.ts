import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { EmbeddingRequest } from "../../lib/embedding-request.ts";
import type { EmbeddingContext } from "../embedding-types.ts";
import { createOpenAICompatibleEmbeddingAdapter } from "./embeddings-adapter.ts";

const request = (fields: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({
  model: "openai/text-embedding-3-small",
  inputs: { kind: "text", texts: ["one", "two"] },
  dimensions: null,
  encodingFormat: "base64",
  user: "end-user-7",
  ...fields,
});
const context = (fields: Partial<EmbeddingRequest> = {}): EmbeddingContext => ({
  request: request(fields),
  upstreamModel: "text-embedding-3-small",
  target: { baseUrl: "https://api.example.test/v1/", apiKey: "sk-upstream" },
});

describe("OpenAI-dialect embeddings adapter", () => {
  it("asks {base}/embeddings (floats, the default), with dimensions, and user only for OpenAI", () => {
    const openai = createOpenAICompatibleEmbeddingAdapter("openai").buildEmbeddingRequest(context({ dimensions: 256 }));
    expect(openai.url).toBe("https://api.example.test/v1/embeddings");
    expect(openai.headers.authorization).toBe("Bearer sk-upstream");
    expect(JSON.parse(openai.body)).toEqual({
      model: "text-embedding-3-small",
      input: ["one", "two"],
      dimensions: 256,
      user: "end-user-7",
    });
    const qwen = createOpenAICompatibleEmbeddingAdapter("qwen").buildEmbeddingRequest(
      context({ inputs: { kind: "tokens", tokens: [[1, 2]] } }),
    );
    expect(JSON.parse(qwen.body)).toEqual({ model: "text-embedding-3-small", input: [[1, 2]] });
  });

  it("reads the vectors in index order and the prompt tokens as uncached input", () => {
    const adapter = createOpenAICompatibleEmbeddingAdapter("zai");
    const result = adapter.parseEmbeddingResponse(
      {
        object: "list",
        data: [
          { object: "embedding", index: 1, embedding: [0.3, 0.4] },
          { object: "embedding", index: 0, embedding: [0.1, 0.2] },
        ],
        usage: { prompt_tokens: 7, completion_tokens: 0, total_tokens: 7 },
      },
      context(),
    );
    expect(result.vectors).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(result.usage).toEqual({
      inputUncached: 7,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
      source: "provider",
    });
    const withoutUsage = adapter.parseEmbeddingResponse({ data: [{ embedding: [1] }, { embedding: [2] }] }, context());
    expect(withoutUsage.usage).toBeNull();
  });

  it("refuses an answer with missing, duplicated or non-numeric vectors as an upstream error", () => {
    const adapter = createOpenAICompatibleEmbeddingAdapter("openai");
    for (const json of [
      null,
      { data: [{ index: 0, embedding: [1] }] },
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 0, embedding: [2] },
        ],
      },
      {
        data: [
          { index: 0, embedding: ["1"] },
          { index: 1, embedding: [2] },
        ],
      },
      {
        data: [
          { index: 0, embedding: "AAAA" },
          { index: 1, embedding: [2] },
        ],
      },
    ]) {
      expect(() => adapter.parseEmbeddingResponse(json, context())).toThrow(GatewayError);
    }
  });
});
