import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.ts";
import { computeCost } from "./pricing.ts";
import { EMBEDDING_MODELS, findEmbeddingModel } from "./embedding-models.ts";
import { requireChatModel, requireEmbeddingModel } from "./model-kind.ts";
import { MODELS } from "./models.ts";

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, status: error.status, param: error.param };
  }
  return null;
};

describe("embedding models", () => {
  it("has the four providers' models, priced per input token only, with a source and version", () => {
    expect(EMBEDDING_MODELS.map((model) => model.id)).toEqual([
      "openai/text-embedding-3-small",
      "openai/text-embedding-3-large",
      "gemini/gemini-embedding-001",
      "qwen/text-embedding-v4",
      "zai/embedding-3",
    ]);
    for (const model of EMBEDDING_MODELS) {
      expect(model.kind).toBe("embedding");
      expect(model.price.output).toBe(0);
      expect(model.price.cachedInput).toBe(model.price.input);
      expect(model.price.source.length).toBeGreaterThan(10);
      expect(model.routes.every((route) => route.provider === model.id.split("/")[0])).toBe(true);
      const { defaultDimensions, dimensions } = model.embedding;
      const offered =
        "min" in dimensions ? defaultDimensions <= dimensions.max : dimensions.includes(defaultDimensions);
      expect(offered).toBe(true);
    }
    expect(findEmbeddingModel("openai/text-embedding-3-small")?.price.input).toBe(20_000);
    expect(findEmbeddingModel("gemini/gemini-embedding-001")?.price.input).toBe(150_000);
  });

  it("bills a request's tokens at the input price, rounded up once", () => {
    const small = findEmbeddingModel("openai/text-embedding-3-small")!;
    const usage = {
      inputUncached: 1_234,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
      source: "provider" as const,
    };
    // 1234 tokens x 0.02 USD per 1M = 24.68 micro-USD -> 25.
    expect(computeCost(usage, small.price)).toMatchObject({ microUsd: 25, parts: { input: 0.00002468, output: 0 } });
  });

  it("routes like the provider's chat models where the provider serves the model", () => {
    expect(findEmbeddingModel("zai/embedding-3")?.routes.map((route) => route.jurisdiction)).toEqual(["SG", "CN"]);
    expect(findEmbeddingModel("qwen/text-embedding-v4")?.routes.map((route) => route.jurisdiction)).toEqual([
      "SG",
      "CN",
    ]);
  });

  it("keeps the kinds apart: 400 naming model for the other kind, 404 for an unknown id", () => {
    expect(requireEmbeddingModel("zai/embedding-3").id).toBe("zai/embedding-3");
    expect(requireChatModel("zai/glm-5.3").id).toBe("zai/glm-5.3");
    expect(codeOf(() => requireChatModel("openai/text-embedding-3-small"))).toEqual({
      code: "invalid_request",
      status: 400,
      param: "model",
    });
    expect(codeOf(() => requireEmbeddingModel("zai/glm-5.3"))).toEqual({
      code: "invalid_request",
      status: 400,
      param: "model",
    });
    expect(codeOf(() => requireEmbeddingModel("openai/nope"))).toMatchObject({ code: "model_not_found", status: 404 });
    const chatIds = new Set(MODELS.map((model) => model.id));
    expect(EMBEDDING_MODELS.some((model) => chatIds.has(model.id))).toBe(false);
  });
});
