/**
 * Per-key model aliases: set, replaced and cleared through the keys API (validated against the catalog), effective
 * on the very next request on /v1/chat/completions, /v1/messages and /v1/messages/count_tokens (the answer keeps the
 * alias, the usage row the catalog model), and listed by GET /v1/models for the key's holder only.
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { apiKeySchema, createdApiKeySchema, MAX_MODEL_ALIASES, type CreatedApiKey } from "../src/contracts/keys-api.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { anthropicModelListSchema, publicModelListSchema } from "../src/contracts/models-api.ts";
import { expectContract } from "./support/contract.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { anthropicClient, bearer, chatBody, gatewayFetch, openaiClient, waitForUsageRow } from "./support/gateway.ts";

const DEEPSEEK = "deepseek/deepseek-v4-pro";

async function createKey(token: string, modelAliases: Record<string, string>): Promise<CreatedApiKey> {
  const response = await dashboardFetch("/api/keys", token, { method: "POST", body: { name: "agent", modelAliases } });
  expect(response.status).toBe(201);
  return expectContract(createdApiKeySchema, await response.json());
}

const patchAliases = (token: string, keyId: string, modelAliases: unknown) =>
  dashboardFetch(`/api/keys/${keyId}`, token, { method: "PATCH", body: { modelAliases } });

const chat = (apiKey: string, model: string) =>
  gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(apiKey), "cache-control": "no-store" },
    body: chatBody({ model }),
  });

describe("the keys API", () => {
  it("sets, lists, replaces and clears a key's aliases", async () => {
    const user = await seedDashboardUser();
    const created = await createKey(user.token, { "claude-sonnet": DEEPSEEK });
    expect(created.modelAliases).toEqual({ "claude-sonnet": DEEPSEEK });
    const list = await (await dashboardFetch("/api/keys", user.token)).json();
    expect((list as { data: Array<{ modelAliases: unknown }> }).data[0]?.modelAliases).toEqual({
      "claude-sonnet": DEEPSEEK,
    });

    const replaced = await patchAliases(user.token, created.id, { "claude-haiku": "deepseek/deepseek-flash" });
    expect(replaced.status).toBe(200);
    expect(expectContract(apiKeySchema, await replaced.json()).modelAliases).toEqual({
      "claude-haiku": "deepseek/deepseek-flash",
    });
    const cleared = await patchAliases(user.token, created.id, {});
    expect(expectContract(apiKeySchema, await cleared.json()).modelAliases).toEqual({});
  });

  it("refuses bad aliases with a 400 naming the alias", async () => {
    const user = await seedDashboardUser();
    const { id } = await createKey(user.token, {});
    const tooMany = Object.fromEntries(
      Array.from({ length: MAX_MODEL_ALIASES + 1 }, (_, index) => [`claude-${index}`, DEEPSEEK]),
    );
    const cases: Array<[unknown, string, RegExp]> = [
      [{ "deepseek/deepseek-flash": DEEPSEEK }, "modelAliases.deepseek/deepseek-flash", /alias ids are/],
      [{ "claude sonnet": DEEPSEEK }, "modelAliases.claude sonnet", /alias ids are/],
      [{ "claude-sonnet": "deepseek/no-such-model" }, "modelAliases.claude-sonnet", /not a catalog model/],
      [{ "claude-sonnet": 42 }, "modelAliases.claude-sonnet", /expected string/i],
      [tooMany, "modelAliases", /at most 32 aliases/],
      [["claude-sonnet"], "modelAliases", /expected record/i],
    ];
    for (const [aliases, param, message] of cases) {
      const response = await patchAliases(user.token, id, aliases);
      expect(response.status, JSON.stringify(aliases).slice(0, 80)).toBe(400);
      const { error } = expectContract(errorBodySchema, await response.json());
      expect(error.code).toBe("invalid_request");
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    }
    // A catalog id passes the pattern only if it has no "/": none has, but the shadow check stands on its own.
    const created = await dashboardFetch("/api/keys", user.token, {
      method: "POST",
      body: { name: "x", modelAliases: { "claude-x": "gemini/gemini-3.8-flash" } },
    });
    expect(created.status).toBe(201);
  });
});

describe("on the hot path", () => {
  it("answers an alias on /v1/chat/completions, records the catalog model, and follows changes at once", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token, { "claude-sonnet": DEEPSEEK });

    const first = await chat(key.secret, "claude-sonnet");
    expect(first.status).toBe(200);
    expect(((await first.json()) as { model: string }).model).toBe("claude-sonnet");
    const firstRow = await waitForUsageRow(first.headers.get("x-request-id") ?? "");
    expect(firstRow).toMatchObject({ model: DEEPSEEK, status: "ok" });
    // Now from the warm key record (its "al" field), without Postgres.
    expect((await chat(key.secret, "claude-sonnet")).status).toBe(200);

    // The record is warm now; a change still applies to the next request.
    expect((await patchAliases(user.token, key.id, { "claude-sonnet": "deepseek/deepseek-flash" })).status).toBe(200);
    const second = await chat(key.secret, "claude-sonnet");
    expect(second.status).toBe(200);
    expect((await waitForUsageRow(second.headers.get("x-request-id") ?? "")).model).toBe("deepseek/deepseek-flash");

    expect((await patchAliases(user.token, key.id, {})).status).toBe(200);
    const gone = await chat(key.secret, "claude-sonnet");
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: "model_not_found",
      param: "model",
    });
  });

  it("shares the prompt cache with the catalog id (same model), each answer naming the id its client sent", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token, { "claude-sonnet": DEEPSEEK });
    const content = `cache ${crypto.randomUUID()}`;
    const cached = (model: string) =>
      gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(key.secret),
        body: chatBody({ model, messages: [{ role: "user", content }] }),
      });
    const first = await cached("claude-sonnet");
    expect(first.headers.get("x-omnizen-cache")).toBe("MISS");
    await waitForUsageRow(first.headers.get("x-request-id") ?? "");
    const viaAlias = await cached("claude-sonnet");
    expect(viaAlias.headers.get("x-omnizen-cache")).toBe("HIT");
    expect(((await viaAlias.json()) as { model: string }).model).toBe("claude-sonnet");
    const direct = await cached(DEEPSEEK);
    expect(direct.headers.get("x-omnizen-cache")).toBe("HIT");
    expect(((await direct.json()) as { model: string }).model).toBe(DEEPSEEK);
  });

  it("keeps another key's aliases to that key, and a bad key gets its 401 first", async () => {
    const user = await seedDashboardUser();
    await createKey(user.token, { "claude-sonnet": DEEPSEEK });
    const other = await createKey(user.token, {});
    expect((await chat(other.secret, "claude-sonnet")).status).toBe(404);
    const unknownKey = `sk-omni-${"x".repeat(40)}`;
    expect((await chat(unknownKey, "claude-sonnet")).status).toBe(401);
  });

  it("resolves on /v1/messages (streamed) and /v1/messages/count_tokens", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token, { "claude-opus": "anthropic/claude-haiku-5-5", "claude-ds": DEEPSEEK });
    const client = anthropicClient(key.secret);
    const stream = client.messages.stream({
      model: "claude-ds",
      max_tokens: 64,
      messages: [{ role: "user", content: "hello there" }],
    });
    const message = await stream.finalMessage();
    expect(message.model).toBe("claude-ds");
    expect(message.content[0]?.type).toBe("text");

    const native = await client.messages.create({
      model: "claude-opus",
      max_tokens: 64,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(native.model).toBe("claude-opus");

    const exact = await client.messages.countTokens({
      model: "claude-opus",
      messages: [{ role: "user", content: "one two three" }],
    });
    expect(exact.input_tokens).toBe(3);
    const estimated = await client.messages.countTokens({
      model: "claude-ds",
      messages: [{ role: "user", content: "one two three" }],
    });
    expect(estimated.input_tokens).toBeGreaterThan(0);
    const missing = await client.messages
      .countTokens({ model: "claude-nope", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe("GET /v1/models", () => {
  it("lists the key's aliases for its holder in both shapes, and only the catalog without a key", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token, { "claude-sonnet": DEEPSEEK });

    const anthropic = expectContract(
      anthropicModelListSchema,
      await (
        await gatewayFetch("/v1/models?limit=1000", {
          headers: { authorization: `Bearer ${key.secret}`, "anthropic-version": "2023-06-01" },
        })
      ).json(),
    );
    expect(anthropic.data[0]).toMatchObject({
      id: "claude-sonnet",
      max_input_tokens: anthropic.data.find((model) => model.id === DEEPSEEK)?.max_input_tokens,
    });
    expect(anthropic.data[0]?.display_name).toContain(DEEPSEEK);

    const openai = await openaiClient(key.secret).models.list();
    const entry = openai.data.find((model) => model.id === "claude-sonnet") as unknown as Record<string, unknown>;
    expect(entry).toMatchObject({ alias_of: DEEPSEEK, object: "model" });

    const byId = await gatewayFetch("/v1/models/claude-sonnet", { headers: { "x-api-key": key.secret } });
    expect(byId.status).toBe(200);

    const anonymous = expectContract(publicModelListSchema, await (await gatewayFetch("/v1/models")).json());
    expect(anonymous.data.map((model) => model.id)).not.toContain("claude-sonnet");
    expect((await gatewayFetch("/v1/models/claude-sonnet")).status).toBe(404);

    // A key admission refuses (here: revoked) is answered like no key: the public list, never a 401.
    expect((await dashboardFetch(`/api/keys/${key.id}`, user.token, { method: "DELETE" })).status).toBe(200);
    const revoked = await gatewayFetch("/v1/models", { headers: { authorization: `Bearer ${key.secret}` } });
    expect(revoked.status).toBe(200);
    const revokedIds = expectContract(publicModelListSchema, await revoked.json()).data.map((model) => model.id);
    expect(revokedIds).not.toContain("claude-sonnet");
    expect(revokedIds).toContain(DEEPSEEK);
  });
});
