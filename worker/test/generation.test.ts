/**
 * GET /v1/generation?id=<request id>: the record of one request in OpenRouter's shape (contracts/generation-api.ts),
 * for a key of the same account only; another account's id and an id not yet drained are the same 404 as an unknown
 * one. Its cost equals the answer's `usage.cost` and the row's `cost_micro_usd`.
 */
import { describe, expect, it } from "vitest";
import { generationResponseSchema } from "../src/contracts/generation-api.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { expectContract } from "./support/contract.ts";
import { bearer, gatewayFetch, openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";

const lookUp = (apiKey: string, id: string) =>
  gatewayFetch(`/v1/generation?id=${encodeURIComponent(id)}`, { headers: bearer(apiKey) });

interface CostUsage {
  cost: number;
  cost_details: Record<string, number>;
}

async function expectNotFound(response: Response, id: string): Promise<void> {
  expect(response.status).toBe(404);
  const body = expectContract(errorBodySchema, await response.json());
  expect(body.error).toEqual({
    message: `No generation '${id}' for this account yet. Usage is recorded within about a minute of the answer: retry shortly.`,
    type: "not_found_error",
    param: "id",
    code: "generation_not_found",
  });
}

describe("GET /v1/generation", () => {
  it("answers the caller's own request: tokens and cost by kind, equal to the answer's usage.cost and the row", async () => {
    const { apiKey } = await seedAccount();
    const { data, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `n${nonce()} [[sim cached=300 extra_prompt=400 reasoning=4]]` }],
      })
      .withResponse();
    const id = response.headers.get("x-request-id") ?? "";
    const row = await waitForUsageRow(id);
    const answered = await lookUp(apiKey, id);
    expect(answered.status).toBe(200);
    const { data: generation } = expectContract(generationResponseSchema, await answered.json());
    const usage = data.usage as unknown as CostUsage;
    expect(generation).toEqual({
      id,
      model: "deepseek/deepseek-flash",
      provider_name: "deepseek",
      api_type: "chat",
      streamed: false,
      cancelled: false,
      created_at: row.createdAt.toISOString(),
      tokens_prompt: data.usage?.prompt_tokens,
      tokens_completion: data.usage?.completion_tokens,
      native_tokens_prompt: data.usage?.prompt_tokens,
      native_tokens_completion: data.usage?.completion_tokens,
      native_tokens_reasoning: data.usage?.completion_tokens_details?.reasoning_tokens,
      native_tokens_cached: 300,
      native_tokens_cache_write: 0,
      total_cost: usage.cost,
      cost_details: usage.cost_details,
      cache_hit: false,
      latency: row.latencyMs,
      time_to_first_token: null,
      finish_reason: "stop",
      status: "ok",
      http_status: 200,
      usage_source: "reported",
    });
    expect(generation.total_cost).toBe(row.costMicroUsd / 1_000_000);
    // The official SDK's generic GET reads it too (as clients of OpenRouter's endpoint do).
    const viaSdk = await openaiClient(apiKey).get<{ data: { id: string } }>("/generation", { query: { id } });
    expect(viaSdk.data.id).toBe(id);
  });

  it("another account's id is the same 404 as an unknown id: its existence does not leak", async () => {
    const owner = await seedAccount();
    const other = await seedAccount();
    const { response } = await openaiClient(owner.apiKey)
      .chat.completions.create({ model: "moonshot/kimi-k3", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const id = response.headers.get("x-request-id") ?? "";
    await waitForUsageRow(id);
    await expectNotFound(await lookUp(other.apiKey, id), id);
    const unknown = `req_${crypto.randomUUID()}`;
    await expectNotFound(await lookUp(other.apiKey, unknown), unknown);
    expect((await lookUp(owner.apiKey, id)).status).toBe(200);
  });

  it("a request not yet drained to Postgres is a 404 to retry, then found once drained", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: JSON.stringify({
        model: "zai/glm-5.3",
        stream: true,
        messages: [{ role: "user", content: "hi [[sim chunks=2]]" }],
      }),
    });
    await response.text();
    const id = response.headers.get("x-request-id") ?? "";
    // Integration test files run one at a time and only waitForUsageRow drains: nothing has drained this record.
    await expectNotFound(await lookUp(apiKey, id), id);
    await waitForUsageRow(id);
    const found = expectContract(generationResponseSchema, await (await lookUp(apiKey, id)).json());
    expect(found.data).toMatchObject({ id, streamed: true, provider_name: "zai", finish_reason: "stop" });
    expect(found.data.time_to_first_token).not.toBeNull();
  });

  it("shows a prompt-cache hit with its cache-read cost", async () => {
    const { apiKey } = await seedAccount();
    const body = JSON.stringify({
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: `n${nonce()} cache me` }],
    });
    const ask = () => gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body });
    await (await ask()).arrayBuffer();
    let hit = await ask();
    for (let attempt = 0; attempt < 50 && hit.headers.get("x-omnizen-cache") !== "HIT"; attempt += 1) {
      await hit.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
      hit = await ask();
    }
    const answer = (await hit.json()) as { usage: CostUsage };
    const id = hit.headers.get("x-request-id") ?? "";
    await waitForUsageRow(id);
    const { data } = expectContract(generationResponseSchema, await (await lookUp(apiKey, id)).json());
    expect(data).toMatchObject({ cache_hit: true, provider_name: "cache", total_cost: answer.usage.cost });
    expect(data.cost_details).toEqual(answer.usage.cost_details);
  });

  it("refuses a missing id (400) and a missing or unknown key (401), in OpenAI's error shape", async () => {
    const { apiKey } = await seedAccount();
    const missing = await gatewayFetch("/v1/generation", { headers: bearer(apiKey) });
    expect(missing.status).toBe(400);
    expect(expectContract(errorBodySchema, await missing.json()).error).toMatchObject({
      param: "id",
      code: "invalid_request",
    });
    const anonymous = await gatewayFetch("/v1/generation?id=x");
    expect(anonymous.status).toBe(401);
    const unknownKey = await lookUp(`sk-omni-${"Z".repeat(40)}`, "x");
    expect(unknownKey.status).toBe(401);
    expect(expectContract(errorBodySchema, await unknownKey.json()).error.code).toBe("invalid_api_key");
  });
});
