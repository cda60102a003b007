/**
 * Cost in every answer of the OpenAI chat surface (docs/api.md, "Cost"), driven by the official openai SDK over the
 * provider simulator: `usage.cost` is the usage row's `cost_micro_usd / 1e6`, `cost_details` adds up to it, the
 * `x-omnizen-cost` header repeats it on non-streamed answers, and the final chunk of every stream carries it. The row
 * records the finish reason and `api_type: chat`.
 */
import { describe, expect, it } from "vitest";
import { bearer, gatewayFetch, openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";

interface CostUsage {
  prompt_tokens: number;
  cost: number;
  cost_details: { input: number; cache_read: number; cache_write: number; output: number; reasoning: number };
}

/** The parts add up to the total before its one rounding up to the next micro-USD. */
function expectPartsAddUp(usage: CostUsage): void {
  const { input, cache_read, cache_write, output } = usage.cost_details;
  const sum = input + cache_read + cache_write + output;
  expect(usage.cost).toBeGreaterThanOrEqual(sum - 1e-12);
  expect(usage.cost - sum).toBeLessThan(1e-6);
}

describe("cost in chat answers", () => {
  it("a non-streamed answer: usage.cost and x-omnizen-cost equal the row's cost (a DeepSeek prompt mostly cached)", async () => {
    const { apiKey } = await seedAccount();
    const { data, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `n${nonce()} agent turn [[sim cached=4000 extra_prompt=4200]]` }],
      })
      .withResponse();
    const usage = data.usage as unknown as CostUsage;
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row.cachedTokens).toBe(4_000);
    expect(row.costMicroUsd).toBeGreaterThan(0);
    expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
    expect(response.headers.get("x-omnizen-cost")).toBe(String(usage.cost));
    expect(Number(response.headers.get("x-omnizen-cost"))).toBe(row.costMicroUsd / 1_000_000);
    expect(usage.cost_details.cache_read).toBeGreaterThan(0);
    expectPartsAddUp(usage);
    expect(row).toMatchObject({ finishReason: "stop", apiType: "chat", stream: false });
  });

  it.each([true, false])(
    "a stream (include_usage: %s) ends with the usage chunk carrying the row's cost; no cost header",
    async (includeUsage) => {
      const { apiKey } = await seedAccount();
      const { data: stream, response } = await openaiClient(apiKey)
        .chat.completions.create({
          model: "moonshot/kimi-k3",
          messages: [{ role: "user", content: `n${nonce()} [[sim chunks=4 cached=20 extra_prompt=100]]` }],
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        })
        .withResponse();
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      const usage = last?.usage as unknown as CostUsage;
      expect(response.headers.get("x-omnizen-cost")).toBeNull();
      const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
      expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
      expectPartsAddUp(usage);
      expect(row).toMatchObject({ finishReason: "stop", apiType: "chat", stream: true, cachedTokens: 20 });
    },
  );

  it("records tool_calls as the finish reason of a streamed tool call", async () => {
    const { apiKey } = await seedAccount();
    const { data: stream, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "zai/glm-5.3",
        messages: [{ role: "user", content: "Weather? [[sim tool=get_weather]]" }],
        tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
        stream: true,
      })
      .withResponse();
    for await (const _chunk of stream);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ finishReason: "tool_calls", apiType: "chat" });
  });

  it("a prompt-cache hit carries its own (hit) cost, equal to its row's, streamed and not", async () => {
    const { apiKey } = await seedAccount();
    const content = `n${nonce()} cache me [[sim chunks=3]]`;
    const ask = (stream: boolean) =>
      gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(apiKey),
        body: JSON.stringify({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content }], stream }),
      });
    const miss = await ask(false);
    const missBody = (await miss.json()) as { usage: CostUsage };
    let hit = await ask(false);
    for (let attempt = 0; attempt < 50 && hit.headers.get("x-omnizen-cache") !== "HIT"; attempt += 1) {
      await hit.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
      hit = await ask(false);
    }
    expect(hit.headers.get("x-omnizen-cache")).toBe("HIT");
    const hitBody = (await hit.json()) as { usage: CostUsage };
    const hitRow = await waitForUsageRow(hit.headers.get("x-request-id") ?? "");
    expect(hitRow).toMatchObject({ cacheHit: true, provider: "cache", apiType: "chat", finishReason: "stop" });
    expect(hitBody.usage.cost).toBe(hitRow.costMicroUsd / 1_000_000);
    expect(hit.headers.get("x-omnizen-cost")).toBe(String(hitBody.usage.cost));
    expect(hitBody.usage.cost).toBeLessThan(missBody.usage.cost);
    expect(hitBody.usage.cost_details).toMatchObject({ input: 0, cache_write: 0, output: 0 });
    expectPartsAddUp(hitBody.usage);

    const streamed = await ask(true);
    expect(streamed.headers.get("x-omnizen-cache")).toBe("HIT");
    expect(streamed.headers.get("x-omnizen-cost")).toBeNull();
    const events = (await streamed.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const final = JSON.parse(events.at(-2)?.replace(/^data: /, "") ?? "{}") as { choices: unknown[]; usage: CostUsage };
    expect(final.choices).toEqual([]);
    const streamedRow = await waitForUsageRow(streamed.headers.get("x-request-id") ?? "");
    expect(final.usage.cost).toBe(streamedRow.costMicroUsd / 1_000_000);
  });
});

describe("cache rates end to end", () => {
  it("a Qwen explicit cache write is billed at its write rate, not as plain input", async () => {
    const { apiKey } = await seedAccount();
    const { data, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "qwen/qwen4-max",
        messages: [{ role: "user", content: `n${nonce()} [[sim cache_write=1000 extra_prompt=1100]]` }],
      })
      .withResponse();
    const usage = data.usage as unknown as CostUsage;
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row.cacheWriteTokens).toBe(1_000);
    // qwen4-max writes at 1.875 USD per 1M tokens: 1000 tokens = 1875 micro-USD.
    expect(usage.cost_details.cache_write).toBeCloseTo(0.001875, 12);
    expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
  });
});
