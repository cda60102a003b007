/**
 * The LiteLLM relay (docs/litellm.md): with `LITELLM_PROVIDERS=deepseek`, DeepSeek's traffic goes through the
 * simulator's LiteLLM proxy stand-in (local/provider-sim/litellm-dialect.ts) with LiteLLM's model name, and is billed
 * from LiteLLM's usage at DeepSeek's catalog price; the usage row still names DeepSeek (LiteLLM is a relay). The
 * worker runs here with the test bindings plus LITELLM_PROVIDERS, through the app's own fetch.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { findModel } from "../src/catalog/models.ts";
import { computeCostMicroUsd, priceAt } from "../src/catalog/pricing.ts";
import { seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const bindings = env as unknown as Record<string, string>;
const app = createApp();

function relayedClient(apiKey: string, providers = "deepseek"): OpenAI {
  const relayed = { ...bindings, LITELLM_PROVIDERS: providers };
  return new OpenAI({
    apiKey,
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const context = createExecutionContext();
      const response = await app.fetch(new Request(input instanceof URL ? input.href : input, init), relayed, context);
      // Settlement runs in waitUntil after the body is read; the usage row is awaited by the test itself.
      void waitOnExecutionContext(context);
      return response;
    },
  });
}

function deepseekCost(row: { promptTokens: number; cachedTokens: number; completionTokens: number }): number {
  const model = findModel("deepseek/deepseek-flash");
  if (!model) throw new Error("no deepseek model");
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

describe("a provider relayed through LiteLLM", () => {
  it("sends DeepSeek's request to the LiteLLM stand-in and bills it from LiteLLM's usage", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await relayedClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `${marker} [[sim cached=2]]` }],
      })
      .withResponse();
    expect(data.model).toBe("deepseek/deepseek-flash");
    expect(response.headers.get("x-omnizen-provider")).toBe("deepseek");
    const [entry, ...others] = await simulatorEntries(marker);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ provider: "litellm", path: "/litellm/chat/completions" });
    expect(entry?.model).toBe("deepseek/deepseek-flash");
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({
      model: "deepseek/deepseek-flash",
      provider: "deepseek",
      status: "ok",
      usageSource: "provider",
      // The row's prompt tokens are the uncached ones; LiteLLM's prompt_tokens include the cached reads.
      promptTokens: (entry?.usage?.prompt_tokens ?? 0) - 2,
      cachedTokens: 2,
      completionTokens: entry?.usage?.completion_tokens,
    });
    expect(row.costMicroUsd).toBe(deepseekCost(row));
  });

  it("streams through LiteLLM with include_usage and books the streamed usage", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data: stream, response } = await relayedClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `${marker} [[sim chunks=3 cached=1]]` }],
        stream: true,
      })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
    const [entry] = await simulatorEntries(marker);
    expect(entry).toMatchObject({ provider: "litellm", stream: true, stream_options: { include_usage: true } });
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({
      provider: "deepseek",
      stream: true,
      usageSource: "provider",
      promptTokens: (entry?.usage?.prompt_tokens ?? 0) - 1,
      completionTokens: entry?.usage?.completion_tokens,
      cachedTokens: 1,
    });
    expect(row.costMicroUsd).toBe(deepseekCost(row));
  });

  it("falls back from a failing LiteLLM relay to the provider's direct regional route", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await relayedClient(apiKey, "qwen")
      .chat.completions.create({
        model: "qwen/qwen4-max",
        messages: [{ role: "user", content: `${marker} [[sim error=503 error_times=1 nonce=${marker}]]` }],
      })
      .withResponse();
    expect(data.model).toBe("qwen/qwen4-max");
    const entries = await simulatorEntries(marker);
    expect(entries.map((entry) => [entry.provider, entry.model, entry.outcome])).toEqual([
      ["litellm", "dashscope/qwen4-max", "error"],
      ["qwen", "qwen4-max", "completed"],
    ]);
    expect((await waitForUsageRow(response.headers.get("x-request-id") ?? "")).provider).toBe("qwen");
  });

  it("keeps providers that are not listed on their direct route", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    await relayedClient(apiKey).chat.completions.create({
      model: "openai/gpt-6-luna",
      messages: [{ role: "user", content: marker }],
    });
    expect((await simulatorEntries(marker)).map((entry) => entry.provider)).toEqual(["openai"]);
  });
});
