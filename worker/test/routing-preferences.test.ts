/**
 * Routing preferences (docs/routing.md) through the official SDKs over the provider simulator: fallback models tried
 * before the first byte and billed as the model that answered, `provider` preferences respected, the key's
 * jurisdictions never widened, and bad preferences refused in each surface's error shape.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { findModel } from "../src/catalog/models.ts";
import { computeCostMicroUsd, priceAt } from "../src/catalog/pricing.ts";
import {
  anthropicClient,
  bearer,
  gatewayFetch,
  openaiClient,
  seedAccount,
  waitForUsageRow,
} from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

type Preferences = { models?: string[]; provider?: Record<string, unknown> };

function ask(apiKey: string, model: string, content: string, preferences: Preferences) {
  const body = { model, messages: [{ role: "user", content }], ...preferences };
  return openaiClient(apiKey)
    .chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .withResponse();
}

function billedAt(modelId: string, row: { promptTokens: number; cachedTokens: number; completionTokens: number }) {
  const model = findModel(modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  const usage = {
    inputUncached: row.promptTokens,
    cacheRead: row.cachedTokens,
    cacheWrite: 0,
    output: row.completionTokens,
    reasoning: 0,
    source: "provider" as const,
  };
  return computeCostMicroUsd(usage, priceAt(model, new Date()));
}

describe("models: fallback models", () => {
  it("answers from the second model when the first's upstream fails, and bills and names that model", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await ask(
      apiKey,
      "deepseek/deepseek-flash",
      `${marker} [[sim error=503 error_times=1 nonce=${marker} cached=1]]`,
      { models: ["openai/gpt-6-luna"] },
    );
    expect(data.model).toBe("openai/gpt-6-luna");
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get("x-omnizen-provider")).toBe("openai");
    const entries = await simulatorEntries(marker);
    expect(entries.map((entry) => [entry.provider, entry.outcome])).toEqual([
      ["deepseek", "error"],
      ["openai", "completed"],
    ]);
    // The routing fields are consumed by the gateway, never forwarded.
    expect(entries.every((entry) => !JSON.stringify(entry.body).includes('"models"'))).toBe(true);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model: "openai/gpt-6-luna", provider: "openai", status: "ok", cachedTokens: 1 });
    expect(row.completionTokens).toBe(data.usage?.completion_tokens);
    expect(row.costMicroUsd).toBe(billedAt("openai/gpt-6-luna", row));
  });

  it("streams the fallback model's answer under its own id", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const body = {
      model: "deepseek/deepseek-flash",
      models: ["qwen/qwen4-max"],
      messages: [{ role: "user", content: `${marker} [[sim error=503 error_times=1 nonce=${marker}]]` }],
      stream: true,
      stream_options: { include_usage: true },
    };
    const { data: stream, response } = await openaiClient(apiKey)
      .chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming)
      .withResponse();
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect([...models]).toEqual(["qwen/qwen4-max"]);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model: "qwen/qwen4-max", provider: "qwen", stream: true, status: "ok" });
    expect(row.costMicroUsd).toBe(billedAt("qwen/qwen4-max", row));
  });

  it("refuses an unknown fallback model with a 400 naming it", async () => {
    const { apiKey } = await seedAccount();
    const error = await ask(apiKey, "deepseek/deepseek-flash", "hi", {
      models: ["qwen/qwen4-max", "nope/nothing"],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("models[1]");
  });
});

describe("provider preferences", () => {
  it("provider.only keeps the request on the listed providers", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await ask(apiKey, "deepseek/deepseek-flash", marker, {
      models: ["qwen/qwen4-max", "openai/gpt-6-luna"],
      provider: { only: ["openai"] },
    });
    expect(data.model).toBe("openai/gpt-6-luna");
    expect((await simulatorEntries(marker)).map((entry) => entry.provider)).toEqual(["openai"]);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model: "openai/gpt-6-luna", provider: "openai" });
  });

  it("provider.sort price tries the cheapest candidate model first", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await ask(apiKey, "openai/gpt-6-astra", marker, {
      models: ["openai/gpt-6-luna"],
      provider: { sort: "price" },
    });
    expect(data.model).toBe("openai/gpt-6-luna");
    expect((await simulatorEntries(marker)).map((entry) => entry.model)).toEqual(["gpt-6-luna"]);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row.costMicroUsd).toBe(billedAt("openai/gpt-6-luna", row));
  });

  it("provider.order tries the listed provider first; allow_fallbacks false stops after it", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data } = await ask(apiKey, "deepseek/deepseek-flash", marker, {
      models: ["openai/gpt-6-luna"],
      provider: { order: ["openai"] },
    });
    expect(data.model).toBe("openai/gpt-6-luna");
    const failing = `n${nonce()}`;
    const error = await ask(apiKey, "deepseek/deepseek-flash", `${failing} [[sim error=503]]`, {
      models: ["openai/gpt-6-luna"],
      provider: { order: ["openai"], allow_fallbacks: false },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((await simulatorEntries(failing)).map((entry) => entry.provider)).toEqual(["openai"]);
  });

  it("never widens the key's jurisdictions: a CN-only key stays in CN whatever the preferences", async () => {
    const { apiKey } = await seedAccount({ keyJurisdictions: ["CN"] });
    const marker = `n${nonce()}`;
    const error = await ask(apiKey, "deepseek/deepseek-flash", `${marker} [[sim error=503]]`, {
      models: ["qwen/qwen4-max", "openai/gpt-6-luna"],
      provider: { order: ["openai", "qwen"] },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((await simulatorEntries(marker)).map((entry) => entry.provider)).toEqual(["deepseek"]);

    const refused = await ask(apiKey, "deepseek/deepseek-flash", "hi", {
      models: ["openai/gpt-6-luna"],
      provider: { only: ["openai"] },
    }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const denied = refused as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(denied.code).toBe("jurisdiction_not_allowed");
    expect(denied.message).toContain("provider preferences");
  });

  it("says when the preferences themselves leave no route (400 naming provider)", async () => {
    const { apiKey } = await seedAccount();
    const error = await ask(apiKey, "deepseek/deepseek-flash", "hi", { provider: { ignore: ["deepseek"] } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("provider");
  });
});

describe("/v1/messages extension fields", () => {
  it("falls back to another model through the Anthropic SDK, never forwarding the fields", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const body = {
      model: "anthropic/claude-haiku-5-5",
      max_tokens: 128,
      messages: [{ role: "user", content: `${marker} [[sim error=529 error_times=1 nonce=${marker}]]` }],
      models: ["deepseek/deepseek-flash"],
      provider: { ignore: ["gemini"] },
    };
    const { data: message, response } = await anthropicClient(apiKey)
      .messages.create(body as Anthropic.MessageCreateParamsNonStreaming)
      .withResponse();
    expect(message.model).toBe("deepseek/deepseek-flash");
    const entries = await simulatorEntries(marker);
    expect(entries.map((entry) => entry.provider)).toEqual(["anthropic", "deepseek"]);
    for (const entry of entries) {
      expect(entry.body).not.toHaveProperty("models");
      expect(entry.body).not.toHaveProperty("provider");
    }
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model: "deepseek/deepseek-flash", provider: "deepseek" });
  });

  it("refuses a bad preference in Anthropic's error shape", async () => {
    const { apiKey } = await seedAccount();
    const error = await anthropicClient(apiKey)
      .messages.create({
        model: "deepseek/deepseek-flash",
        max_tokens: 16,
        messages: [{ role: "user", content: "hi" }],
        provider: { zdr: true },
      } as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("provider.zdr");
  });
});

describe("the prompt cache and routing preferences", () => {
  const post = (apiKey: string, payload: Record<string, unknown>) =>
    gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body: JSON.stringify(payload) });

  async function untilStored(userId: string, count: number): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if ((await testRedis().scard(`omz:pcidx:${userId}`)) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the cache entry was never stored");
  }

  it("keys entries on the preferences: other preferences miss, the same ones hit", async () => {
    const { apiKey, userId } = await seedAccount();
    const payload = {
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: `n${nonce()} cache me` }],
      models: ["qwen/qwen4-max"],
    };
    const first = await post(apiKey, payload);
    expect(first.headers.get("x-omnizen-cache")).toBe("MISS");
    await first.arrayBuffer();
    await untilStored(userId, 1);
    const other = await post(apiKey, { ...payload, provider: { order: ["qwen"] } });
    expect(other.headers.get("x-omnizen-cache")).toBe("MISS");
    await other.arrayBuffer();
    const same = await post(apiKey, payload);
    expect(same.headers.get("x-omnizen-cache")).toBe("HIT");
    expect(((await same.json()) as { model: string }).model).toBe("deepseek/deepseek-flash");
  });

  it("does not store a fallback model's answer", async () => {
    const { apiKey, userId } = await seedAccount();
    const marker = `n${nonce()}`;
    const payload = {
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: `${marker} [[sim error=503 error_times=1 nonce=${marker}]]` }],
      models: ["qwen/qwen4-max"],
    };
    const fallback = await post(apiKey, payload);
    expect(((await fallback.json()) as { model: string }).model).toBe("qwen/qwen4-max");
    await waitForUsageRow(fallback.headers.get("x-request-id") ?? "");
    expect(await testRedis().scard(`omz:pcidx:${userId}`)).toBe(0);
    const again = await post(apiKey, payload);
    expect(again.headers.get("x-omnizen-cache")).toBe("MISS");
    expect(((await again.json()) as { model: string }).model).toBe("deepseek/deepseek-flash");
  });
});
