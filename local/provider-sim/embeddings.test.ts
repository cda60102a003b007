import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { simulatedVector } from "./embedding-dialects.ts";
import { postJson, useSimulator } from "./test-helpers.ts";
import { countTokens } from "./tokens.ts";

const simulator = useSimulator();
const client = (basePath = "/openai/v1"): OpenAI =>
  new OpenAI({ baseURL: `${simulator.url}${basePath}`, apiKey: "sk-test-key", maxRetries: 0 });

const texts = ["Dhaka is a city of rivers.", "café 🙂 naïve"];
const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);

describe("simulated embeddings", () => {
  it("gives each input a deterministic unit vector, seeded by model and input only", () => {
    const vector = simulatedVector("m", "hello", 64);
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(vector.every((value) => Math.fround(value) === value)).toBe(true);
    expect(simulatedVector("m", "hello", 64)).toEqual(vector);
    expect(simulatedVector("m", "hello!", 64)).not.toEqual(vector);
    expect(simulatedVector("n", "hello", 64)).not.toEqual(vector);
  });

  it("answers the official openai client (base64 by default, decoded by the SDK) with the same vectors as float", async () => {
    const decoded = await client().embeddings.create({ model: "text-embedding-3-small", input: texts });
    const floats = await client().embeddings.create({
      model: "text-embedding-3-small",
      input: texts,
      encoding_format: "float",
    });
    expect(decoded.data.map((item) => item.index)).toEqual([0, 1]);
    for (const [index, text] of texts.entries()) {
      const expected = simulatedVector("text-embedding-3-small", text, 1536);
      expect(floats.data[index]?.embedding).toEqual(expected);
      expect(Array.from(decoded.data[index]?.embedding ?? [])).toEqual(expected);
    }
    expect(floats.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("honours dimensions, counts a token array by its length, and fails on an error directive", async () => {
    const answer = await client().embeddings.create({
      model: "text-embedding-3-large",
      input: [[1, 2, 3, 4, 5]],
      dimensions: 8,
      encoding_format: "float",
    });
    expect(answer.data[0]?.embedding).toHaveLength(8);
    expect(answer.usage.prompt_tokens).toBe(5);
    const failure = await client()
      .embeddings.create({ model: "text-embedding-3-small", input: "boom [[sim error=503]]" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("speaks Qwen's and Z.ai's OpenAI-compatible embeddings with their usage quirks", async () => {
    const qwen = await client("/qwen/compatible-mode/v1").embeddings.create({
      model: "text-embedding-v4",
      input: "one",
      encoding_format: "float",
    });
    expect(qwen.data[0]?.embedding).toHaveLength(1024);
    expect(qwen).toMatchObject({ id: expect.stringMatching(/^sim-embedding-/), usage: { prompt_tokens: 1 } });
    const zai = await client("/zai/api/paas/v4").embeddings.create({
      model: "embedding-3",
      input: ["one", "two"],
      dimensions: 256,
      encoding_format: "float",
    });
    expect(zai.data.map((item) => item.embedding.length)).toEqual([256, 256]);
    expect(zai.usage).toEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 });
  });

  it("speaks Gemini's batchEmbedContents and embedContent, with usageMetadata", async () => {
    const url = `${simulator.url}/gemini/v1beta/models/gemini-embedding-001`;
    const auth = { "x-goog-api-key": "g-key" };
    const requests = texts.map((text) => ({
      model: "models/gemini-embedding-001",
      content: { parts: [{ text }] },
      outputDimensionality: 768,
    }));
    const batch = await postJson(`${url}:batchEmbedContents`, { requests }, auth);
    expect(batch.status).toBe(200);
    const body = (await batch.json()) as { embeddings: Array<{ values: number[] }>; usageMetadata: unknown };
    expect(body.embeddings.map((item) => item.values)).toEqual(
      texts.map((text) => simulatedVector("gemini-embedding-001", text, 768)),
    );
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: tokens });
    const single = await postJson(`${url}:embedContent`, { content: { parts: [{ text: "one" }] } }, auth);
    expect(((await single.json()) as { embedding: { values: number[] } }).embedding.values).toHaveLength(3072);
    const mismatched = await postJson(
      `${url}:batchEmbedContents`,
      { requests: [{ ...requests[0], model: "x" }] },
      auth,
    );
    expect(mismatched.status).toBe(400);
    expect(await postJson(`${url}:batchEmbedContents`, { requests }, {}).then((response) => response.status)).toBe(401);
  });
});
