/**
 * POST /v1/embeddings through the official openai client against the provider simulator, for a model of each of the
 * four providers: vectors in order, the usage row (api_type embeddings, tokens as the upstream counted them) and the
 * answer's cost equal; credit, rate limits, model kinds, jurisdictions and fallback as for chat.
 */
import OpenAI from "openai";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, usageEvents } from "../../db/schema.ts";
import { simulatedVector } from "../../local/provider-sim/embedding-dialects.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";
import { bearer, gatewayFetch, openaiClient, seedAccount, waitForUsageRow, withDatabase } from "./support/gateway.ts";
import { eventually as pollUntil } from "./support/faults.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

/** The answer's usage as omnizen sends it (the SDK's type has no cost). */
interface CostedUsage {
  prompt_tokens: number;
  total_tokens: number;
  cost: number;
  cost_details: Record<string, number>;
}

const PROVIDERS = [
  { model: "openai/text-embedding-3-small", upstream: "text-embedding-3-small", provider: "openai", dimensions: 1536 },
  { model: "gemini/gemini-embedding-001", upstream: "gemini-embedding-001", provider: "gemini", dimensions: 3072 },
  { model: "qwen/text-embedding-v4", upstream: "text-embedding-v4", provider: "qwen", dimensions: 1024 },
  { model: "zai/embedding-3", upstream: "embedding-3", provider: "zai", dimensions: 2048 },
] as const;

const embeddingsPost = (apiKey: string, body: Record<string, unknown>, signal?: AbortSignal) =>
  gatewayFetch("/v1/embeddings", {
    method: "POST",
    headers: bearer(apiKey),
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

/** Polls until `check` holds (support/faults.ts), and fails the test when it never does. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  expect(await pollUntil(check)).toBe(true);
}

/** The usage rows of an account (for a request whose client never saw its request id). */
const rowsOf = (userId: string) =>
  withDatabase(async (db) => {
    await drainUsage(testRedis(), db);
    return db.select().from(usageEvents).where(eq(usageEvents.userId, userId));
  });

describe("POST /v1/embeddings with the official openai client", () => {
  it.each(PROVIDERS)("$provider: vectors in order, billed as the upstream counted, cost = row", async (model) => {
    const account = await seedAccount();
    const marker = `n${nonce()}`;
    const input = [`${marker} first text`, `${marker} zweiter Text, café 🙂`, `${marker} third`];
    // The SDK asks for base64 by default and decodes it: the vectors must survive the encoding exactly.
    const { data: answer, response } = await openaiClient(account.apiKey)
      .embeddings.create({ model: model.model, input })
      .withResponse();

    expect(answer.model).toBe(model.model);
    expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2]);
    for (const [index, text] of input.entries()) {
      expect(Array.from(answer.data[index]?.embedding ?? [])).toEqual(
        simulatedVector(model.upstream, text, model.dimensions),
      );
    }
    const [upstream] = await simulatorEntries(marker);
    const usage = answer.usage as unknown as CostedUsage;
    expect(upstream?.provider).toBe(model.provider);
    expect(usage.prompt_tokens).toBe(upstream?.usage?.prompt_tokens);
    expect(usage.total_tokens).toBe(usage.prompt_tokens);

    const requestId = response.headers.get("x-request-id") ?? "";
    expect(response.headers.get("x-omnizen-provider")).toBe(model.provider);
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBeTruthy();
    const row = await waitForUsageRow(requestId);
    expect(row).toMatchObject({
      apiType: "embeddings",
      model: model.model,
      provider: model.provider,
      promptTokens: usage.prompt_tokens,
      completionTokens: 0,
      cachedTokens: 0,
      status: "ok",
      httpStatus: 200,
      stream: false,
      usageSource: "provider",
    });
    expect(row.costMicroUsd).toBeGreaterThan(0);
    expect(usage.cost).toBe(row.costMicroUsd / 1e6);
    expect(response.headers.get("x-omnizen-cost")).toBe(String(usage.cost));
    expect(usage.cost_details.input).toBeGreaterThan(0);
    expect(usage.cost_details.output).toBe(0);
    expect(JSON.stringify(row)).not.toContain(marker);
  });

  it("honours dimensions and encoding_format float; refuses dimensions the model does not offer", async () => {
    const account = await seedAccount();
    const client = openaiClient(account.apiKey);
    const answer = await client.embeddings.create({
      model: "openai/text-embedding-3-large",
      input: "short",
      dimensions: 256,
      encoding_format: "float",
    });
    expect(answer.data[0]?.embedding).toEqual(simulatedVector("text-embedding-3-large", "short", 256));
    const refused = await client.embeddings
      .create({ model: "qwen/text-embedding-v4", input: "short", dimensions: 100 })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).param).toBe("dimensions");
  });

  it("refuses a chat model here, and an embedding model on the chat endpoint, with a 400 naming model", async () => {
    const account = await seedAccount();
    const client = openaiClient(account.apiKey);
    const chatModel = await client.embeddings
      .create({ model: "zai/glm-5.3", input: "hello" })
      .catch((caught: unknown) => caught);
    expect(chatModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chatModel as InstanceType<typeof OpenAI.APIError>).param).toBe("model");
    const embeddingModel = await client.chat.completions
      .create({ model: "zai/embedding-3", messages: [{ role: "user", content: "hello" }] })
      .catch((caught: unknown) => caught);
    expect(embeddingModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((embeddingModel as InstanceType<typeof OpenAI.APIError>).param).toBe("model");
    const unknown = await client.embeddings
      .create({ model: "zai/nope", input: "x" })
      .catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("refuses bad bodies in OpenAI's error shape, after the key check", async () => {
    const account = await seedAccount();
    const tooMany = await embeddingsPost(account.apiKey, {
      model: "qwen/text-embedding-v4",
      input: Array.from({ length: 11 }, () => "x"),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { type: "invalid_request_error", param: "input" } });
    const unknownField = await embeddingsPost(account.apiKey, { model: "zai/embedding-3", input: "x", top_k: 3 });
    expect(await unknownField.json()).toMatchObject({ error: { param: "top_k" } });
    const tokens = await embeddingsPost(account.apiKey, { model: "gemini/gemini-embedding-001", input: [1, 2] });
    expect(tokens.status).toBe(400);
    const badKey = await embeddingsPost("sk-omni-not-a-real-key-000000000000", { model: "x" });
    expect(badKey.status).toBe(401);
  });
});

describe("embeddings are billed and limited like chat", () => {
  it("402 when the prepaid credit is used up", async () => {
    const account = await seedAccount(0);
    const error = await openaiClient(account.apiKey)
      .embeddings.create({ model: "openai/text-embedding-3-small", input: "hello" })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_credit");
  });

  it("429 with OpenAI's headers past the key's requests per minute", async () => {
    const account = await seedAccount();
    await withDatabase((db) =>
      db.update(apiKeys).set({ requestsPerMinuteLimit: 1 }).where(eq(apiKeys.id, account.keyId)),
    );
    const body = { model: "openai/text-embedding-3-small", input: "hello" };
    expect((await embeddingsPost(account.apiKey, body)).status).toBe(200);
    const refused = await embeddingsPost(account.apiKey, body);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("1");
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", type: "rate_limit_error" } });
  });

  it("counts the embedded tokens against the key's tokens per minute", async () => {
    const account = await seedAccount();
    await withDatabase((db) =>
      db.update(apiKeys).set({ tokensPerMinuteLimit: 10 }).where(eq(apiKeys.id, account.keyId)),
    );
    const long = { model: "zai/embedding-3", input: "a text long enough to spend more than ten tokens in one request" };
    expect((await embeddingsPost(account.apiKey, long)).status).toBe(200);
    // The tokens are counted at settlement, after the response.
    await eventually(async () => (await embeddingsPost(account.apiKey, long)).status === 429);
    const refused = await embeddingsPost(account.apiKey, long);
    expect(refused.headers.get("x-ratelimit-limit-tokens")).toBe("10");
    expect(refused.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  });

  it("maps an upstream rejection like chat and records the failed request at no cost", async () => {
    const account = await seedAccount();
    const response = await embeddingsPost(account.apiKey, {
      model: "openai/text-embedding-3-small",
      input: "[[sim error=400]]",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ apiType: "embeddings", status: "error", httpStatus: 400, costMicroUsd: 0 });
  });
});

describe("embeddings routing", () => {
  it("falls back to the model's next route after a 5xx, before answering", async () => {
    const account = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await openaiClient(account.apiKey)
      .embeddings.create({
        model: "zai/embedding-3",
        input: `${marker} [[sim error=503 error_times=1 nonce=${marker}]]`,
      })
      .withResponse();
    expect(data.data).toHaveLength(1);
    expect((await simulatorEntries(marker)).map((entry) => entry.outcome)).toEqual(["error", "completed"]);
    expect((await waitForUsageRow(response.headers.get("x-request-id") ?? "")).status).toBe("ok");
  });

  it("uses only the routes the account allows, and refuses a model with none", async () => {
    const account = await seedAccount({ accountJurisdictions: ["CN"] });
    const client = openaiClient(account.apiKey);
    const marker = `n${nonce()}`;
    // zai/embedding-3 is routed SG, then CN: only the CN route may be used, so its failure is final.
    const failed = await client.embeddings
      .create({ model: "zai/embedding-3", input: `${marker} [[sim error=503 error_times=1 nonce=${marker}]]` })
      .catch((caught: unknown) => caught);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(await simulatorEntries(marker)).toHaveLength(1);
    const refused = await client.embeddings
      .create({ model: "openai/text-embedding-3-small", input: "hello" })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});

describe("embeddings faults", () => {
  it("a client that leaves while the upstream works aborts it and is billed an estimate of its inputs", async () => {
    const account = await seedAccount();
    const marker = `n${nonce()}`;
    const controller = new AbortController();
    const body = { model: "openai/text-embedding-3-small", input: `${marker} some words [[sim stall_ms=2500]]` };
    const pending = embeddingsPost(account.apiKey, body, controller.signal);
    await eventually(async () => (await simulatorEntries(marker)).length > 0);
    controller.abort();
    await pending.catch(() => undefined);
    await eventually(async () => (await simulatorEntries(marker))[0]?.outcome === "client_closed");
    await eventually(async () => (await rowsOf(account.userId)).length > 0);
    const [row] = await rowsOf(account.userId);
    expect(row).toMatchObject({
      apiType: "embeddings",
      status: "cancelled",
      httpStatus: 499,
      usageSource: "estimated",
      completionTokens: 0,
    });
    expect(row?.promptTokens).toBeGreaterThan(0);
    expect(row?.costMicroUsd).toBeGreaterThan(0);
  });

  it("an answer that stalls after its headers times out as 504 and is recorded at no cost", async () => {
    const account = await seedAccount();
    const response = await embeddingsPost(account.apiKey, {
      model: "openai/text-embedding-3-small",
      input: "[[sim stall_body=1]]",
    });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: "upstream_timeout" } });
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ apiType: "embeddings", status: "error", httpStatus: 504, costMicroUsd: 0 });
  });
});
