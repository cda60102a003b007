import { describe, expect, it } from "vitest";
import { anthropicModelListSchema, publicModelListSchema, type AnthropicModel } from "../src/contracts/models-api.ts";
import { expectContract } from "./support/contract.ts";
import { anthropicClient, gatewayFetch, openaiClient } from "./support/gateway.ts";

describe("GET /v1/models", () => {
  it("lists the working models in OpenAI's list shape with pricing, context length and jurisdiction", async () => {
    const response = await gatewayFetch("/v1/models");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    const body = expectContract(publicModelListSchema, await response.json());
    expect(body.object).toBe("list");
    const deepseek = body.data.find((model) => model.id === "deepseek/deepseek-flash");
    expect(deepseek).toMatchObject({
      object: "model",
      owned_by: "deepseek",
      context_length: 128_000,
      pricing: { input: "0.3", output: "1.2", unit: "USD per 1M tokens" },
      jurisdictions: ["CN"],
    });
    expect(body.data.every((model) => model.id.includes("/"))).toBe(true);
  });

  it("shows the pricing bands: off-peak, long-context and 1-hour cache writes", async () => {
    const { data } = expectContract(publicModelListSchema, await (await gatewayFetch("/v1/models")).json());
    const pricing = (id: string) => data.find((model) => model.id === id)?.pricing;
    expect(pricing("deepseek/deepseek-flash")?.off_peak).toMatchObject({
      input: "0.15",
      cached_input: "0.003",
      output: "0.6",
      outside_peak: { utc_offset_minutes: 480, iso_weekdays: [1, 2, 3, 4, 5], windows: ["09:00-12:00", "14:00-18:00"] },
    });
    expect(pricing("anthropic/claude-haiku-5-5")).toMatchObject({
      cache_write: "0.125",
      cache_write_1h: "0.2",
      long_context: {
        above_input_tokens: 100_000,
        input: "0.5",
        cached_input: "0.05",
        cache_write: "0.625",
        cache_write_1h: "1",
        output: "2.5",
      },
    });
  });

  it("lists the embedding models after the chat models, marked kind embedding with what they accept", async () => {
    const { data } = expectContract(publicModelListSchema, await (await gatewayFetch("/v1/models")).json());
    const embeddings = data.filter((model) => model.kind === "embedding");
    expect(embeddings.map((model) => model.id)).toEqual([
      "openai/text-embedding-3-small",
      "openai/text-embedding-3-large",
      "gemini/gemini-embedding-001",
      "qwen/text-embedding-v4",
      "zai/embedding-3",
    ]);
    expect(data.slice(-embeddings.length)).toEqual(embeddings);
    expect(embeddings.find((model) => model.id === "qwen/text-embedding-v4")).toMatchObject({
      pricing: { input: "0.072", cached_input: "0.072", output: "0" },
      jurisdictions: ["SG", "CN"],
      embedding: { default_dimensions: 1024, max_inputs: 10, token_arrays: false },
    });
    const one = await gatewayFetch("/v1/models/openai%2Ftext-embedding-3-small");
    expect(await one.json()).toMatchObject({
      kind: "embedding",
      embedding: { dimensions: { min: 1, max: 1536 } },
    });
    const forAnthropic = await gatewayFetch("/v1/models/openai/text-embedding-3-small", {
      headers: { "anthropic-version": "2023-06-01" },
    });
    expect(forAnthropic.status).toBe(404);
  });

  it("is readable by the official client", async () => {
    const page = await openaiClient("sk-omni-unused").models.list();
    expect(page.data.map((model) => model.id)).toContain("openai/gpt-6-luna");
  });

  it("answers an Anthropic client in Anthropic's paged shape, with each model's context window and output limit", async () => {
    const openai = expectContract(publicModelListSchema, await (await gatewayFetch("/v1/models")).json());
    // The official client pages through with after_id (20 a page by default) until has_more is false.
    const listed: AnthropicModel[] = [];
    for await (const model of anthropicClient("sk-omni-unused").models.list()) listed.push(model as AnthropicModel);
    // Embedding models are listed to OpenAI clients only (Claude Code picks chat models from this list).
    const chatModels = openai.data.filter((model) => model.kind !== "embedding");
    expect(listed.map((model) => model.id)).toEqual(chatModels.map((model) => model.id));
    for (const model of listed) {
      const same = openai.data.find((entry) => entry.id === model.id);
      expect(model).toMatchObject({ type: "model", display_name: same?.name, max_input_tokens: same?.context_length });
      expect(model.max_tokens).toBeGreaterThan(0);
    }

    const headers = { "anthropic-version": "2023-06-01" };
    const first = expectContract(
      anthropicModelListSchema,
      await (await gatewayFetch("/v1/models?limit=2", { headers })).json(),
    );
    expect(first).toMatchObject({ has_more: true, first_id: listed[0]?.id, last_id: listed[1]?.id });
    const next = expectContract(
      anthropicModelListSchema,
      await (
        await gatewayFetch(`/v1/models?limit=2&after_id=${encodeURIComponent(first.last_id ?? "")}`, { headers })
      ).json(),
    );
    expect(next.data.map((model) => model.id)).toEqual(listed.slice(2, 4).map((model) => model.id));
    const back = expectContract(
      anthropicModelListSchema,
      await (
        await gatewayFetch(`/v1/models?limit=2&before_id=${encodeURIComponent(next.first_id ?? "")}`, { headers })
      ).json(),
    );
    expect(back.data.map((model) => model.id)).toEqual(listed.slice(0, 2).map((model) => model.id));
    expect(back.has_more).toBe(false);

    const one = await anthropicClient("sk-omni-unused").models.retrieve(listed[0]?.id ?? "");
    expect(one).toMatchObject({ type: "model", id: listed[0]?.id });
  });
});

describe("GET /healthz", () => {
  it("answers ok with a request id", async () => {
    const response = await gatewayFetch("/healthz");
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });
});
