import { describe, expect, it } from "vitest";
import { findEmbeddingModel } from "../catalog/embedding-models.ts";
import type { EmbeddingModelEntry } from "../catalog/types.ts";
import { GatewayError } from "../errors.ts";
import { checkAgainstModel, embeddingBodySchema, normalizeEmbeddingBody } from "./parse-embedding-request.ts";

const model = (id: string): EmbeddingModelEntry => {
  const entry = findEmbeddingModel(id);
  if (!entry) throw new Error(`no ${id}`);
  return entry;
};

const parse = (body: Record<string, unknown>) =>
  normalizeEmbeddingBody(embeddingBodySchema.parse({ model: "openai/text-embedding-3-small", ...body }));

function refusal(work: () => unknown): { param: string | null; message: string; status: number } {
  try {
    work();
  } catch (error) {
    if (error instanceof GatewayError) return { param: error.param, message: error.message, status: error.status };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("embeddings request body", () => {
  it("normalises every input form OpenAI accepts to a list, with the defaults", () => {
    expect(parse({ input: "one" })).toEqual({
      model: "openai/text-embedding-3-small",
      inputs: { kind: "text", texts: ["one"] },
      dimensions: null,
      encodingFormat: "float",
      user: null,
    });
    expect(parse({ input: ["a", "b"] }).inputs).toEqual({ kind: "text", texts: ["a", "b"] });
    expect(parse({ input: [1, 2, 3] }).inputs).toEqual({ kind: "tokens", tokens: [[1, 2, 3]] });
    expect(parse({ input: [[1], [2, 3]] }).inputs).toEqual({ kind: "tokens", tokens: [[1], [2, 3]] });
    expect(parse({ input: "x", dimensions: 256, encoding_format: "base64", user: "u-1" })).toMatchObject({
      dimensions: 256,
      encodingFormat: "base64",
      user: "u-1",
    });
  });

  it("refuses missing, empty, mixed or malformed inputs with a 400 naming the input", () => {
    expect(refusal(() => parse({}))).toMatchObject({ param: "input", status: 400 });
    expect(refusal(() => parse({ input: [] }))).toMatchObject({ param: "input" });
    expect(refusal(() => parse({ input: ["a", ""] }))).toMatchObject({ param: "input[1]" });
    expect(refusal(() => parse({ input: ["a", [1]] }))).toMatchObject({ param: "input[0]" });
    expect(refusal(() => parse({ input: [[1], []] }))).toMatchObject({ param: "input[1]" });
    expect(refusal(() => parse({ input: [[1.5]] }))).toMatchObject({ param: "input[0]" });
    expect(refusal(() => parse({ input: { text: "a" } }))).toMatchObject({ param: "input" });
  });

  it("refuses fields OpenAI's embeddings API does not have, naming them", () => {
    expect(refusal(() => parse({ input: "a", messages: [] }))).toMatchObject({ param: "messages", status: 400 });
    expect(embeddingBodySchema.safeParse({ model: "m", input: "a", encoding_format: "int8" }).success).toBe(false);
    expect(embeddingBodySchema.safeParse({ model: "m", input: "a", dimensions: 0 }).success).toBe(false);
  });
});

describe("embeddings request against its model", () => {
  it("accepts dimensions in the model's range or list and refuses the rest, saying what is offered", () => {
    const small = model("openai/text-embedding-3-small");
    expect(() => checkAgainstModel(parse({ input: "a", dimensions: 1536 }), small)).not.toThrow();
    expect(refusal(() => checkAgainstModel(parse({ input: "a", dimensions: 1537 }), small))).toMatchObject({
      param: "dimensions",
      message: expect.stringContaining("1 to 1536"),
    });
    const qwen = model("qwen/text-embedding-v4");
    expect(() => checkAgainstModel(parse({ input: "a", dimensions: 768 }), qwen)).not.toThrow();
    expect(refusal(() => checkAgainstModel(parse({ input: "a", dimensions: 700 }), qwen))).toMatchObject({
      param: "dimensions",
      message: expect.stringContaining("one of 2048, 1536, 1024, 768"),
    });
  });

  it("refuses more inputs than the provider takes, and token arrays where the provider cannot read them", () => {
    const qwen = model("qwen/text-embedding-v4");
    const eleven = Array.from({ length: 11 }, (_, index) => `text ${index}`);
    expect(refusal(() => checkAgainstModel(parse({ input: eleven }), qwen))).toMatchObject({
      param: "input",
      message: expect.stringContaining("at most 10 inputs"),
    });
    expect(
      refusal(() => checkAgainstModel(parse({ input: [1, 2] }), model("gemini/gemini-embedding-001"))),
    ).toMatchObject({ param: "input", message: expect.stringContaining("token arrays") });
    expect(() => checkAgainstModel(parse({ input: [1, 2] }), model("openai/text-embedding-3-large"))).not.toThrow();
  });
});
