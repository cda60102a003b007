/**
 * A request is billed what it really cost the provider at the time it ran: 1-hour cache writes at the 1-hour rate,
 * a long prompt at the long-context band, a DeepSeek request started off-peak at the off-peak rates. The expected
 * costs are written out from the catalog's rates (integer micro-USD per 1M tokens), not computed by the code under
 * test.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { bearer, gatewayFetch, openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

type Json = Record<string, unknown>;

async function messages(apiKey: string, body: Json): Promise<Response> {
  return gatewayFetch("/v1/messages", {
    method: "POST",
    headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function reported(marker: string) {
  const [entry] = await simulatorEntries(marker);
  if (!entry?.usage) throw new Error("the simulator reported no usage");
  return entry.usage;
}

const cost = (picoUsd: number): number => Math.ceil(picoUsd / 1_000_000);

afterEach(() => {
  vi.useRealTimers();
});

describe("pricing bands in the usage row", () => {
  it("bills Anthropic 1-hour cache writes at 2x input (Sonnet 5.5: 4.00 USD/M), 5-minute ones would be 2.50", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await messages(apiKey, {
      model: "anthropic/claude-sonnet-5-5",
      max_tokens: 64,
      system: [{ type: "text", text: `Long instructions ${marker}`, cache_control: { type: "ephemeral", ttl: "1h" } }],
      messages: [{ role: "user", content: "Hi [[sim cache_write=50000 cache_ttl=1h extra_prompt=60000]]" }],
    });
    expect(response.status).toBe(200);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const usage = await reported(marker);
    const uncached = usage.prompt_tokens - usage.cache_write_tokens;
    expect(row).toMatchObject({ cacheWriteTokens: 50_000, cacheWrite1hTokens: 50_000, promptTokens: uncached });
    expect(row.costMicroUsd).toBe(
      cost(uncached * 2_000_000 + 50_000 * 4_000_000 + usage.completion_tokens * 10_000_000),
    );
  });

  it("bills 1-hour cache writes asked for through /v1/chat/completions (the Anthropic adapter, streamed) the same way", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const text = `Long instructions ${marker} [[sim cache_write=40000 cache_ttl=1h extra_prompt=50000]]`;
    const { data, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "anthropic/claude-opus-5-5",
        stream: true,
        // cache_control is Anthropic's prompt-caching extension on a content part.
        messages: [
          { role: "user", content: [{ type: "text", text, cache_control: { type: "ephemeral", ttl: "1h" } } as never] },
        ],
      })
      .withResponse();
    for await (const _chunk of data) {
      // drain the stream
    }
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const usage = await reported(marker);
    const uncached = usage.prompt_tokens - usage.cache_write_tokens;
    expect(row).toMatchObject({ cacheWriteTokens: 40_000, cacheWrite1hTokens: 40_000 });
    // Opus 5.5: 4.00 input, 1-hour write 8.00 (5-minute 5.00), 20.00 output USD/M
    expect(row.costMicroUsd).toBe(
      cost(uncached * 4_000_000 + 40_000 * 8_000_000 + usage.completion_tokens * 20_000_000),
    );
  });

  it.each(["chat", "messages"] as const)(
    "forwards a Qwen 1-hour cache marker through %s and bills the writes Qwen reports as 1-hour at 3.00 USD/M",
    async (surface) => {
      const { apiKey } = await seedAccount();
      const marker = `n${nonce()}`;
      const text = `Long instructions ${marker} [[sim cache_write=30000 cache_ttl=1h extra_prompt=40000]]`;
      const block = { type: "text", text, cache_control: { type: "ephemeral", ttl: "1h" } };
      const response =
        surface === "chat"
          ? await gatewayFetch("/v1/chat/completions", {
              method: "POST",
              headers: { ...bearer(apiKey), "content-type": "application/json" },
              body: JSON.stringify({ model: "qwen/qwen4-max", messages: [{ role: "user", content: [block] }] }),
            })
          : await messages(apiKey, {
              model: "qwen/qwen4-max",
              max_tokens: 64,
              messages: [{ role: "user", content: [block] }],
            });
      expect(response.status).toBe(200);
      const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
      const usage = await reported(marker);
      const upstream = (await simulatorEntries(marker))[0]?.body as { messages: Array<{ content: unknown }> };
      expect(JSON.stringify(upstream.messages)).toContain('"cache_control":{"type":"ephemeral","ttl":"1h"}');
      const uncached = usage.prompt_tokens - usage.cache_write_tokens;
      expect(row).toMatchObject({ cacheWriteTokens: 30_000, cacheWrite1hTokens: 30_000, promptTokens: uncached });
      // Qwen4 Max: 1.50 input, 1-hour write 3.00 (5-minute 1.875), 4.50 output USD/M
      expect(row.costMicroUsd).toBe(
        cost(uncached * 1_500_000 + 30_000 * 3_000_000 + usage.completion_tokens * 4_500_000),
      );
    },
  );

  it("bills a Claude Haiku 5.5 prompt above 100k tokens at the long-context band for every token", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await messages(apiKey, {
      model: "anthropic/claude-haiku-5-5",
      max_tokens: 64,
      messages: [{ role: "user", content: `Summarise ${marker} [[sim extra_prompt=150000]]` }],
    });
    expect(response.status).toBe(200);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const usage = await reported(marker);
    expect(usage.prompt_tokens).toBeGreaterThan(150_000);
    // > 100k band: 0.50 input, 2.50 output USD/M (the <= 100k band is 0.10 / 0.50)
    expect(row.costMicroUsd).toBe(cost(usage.prompt_tokens * 500_000 + usage.completion_tokens * 2_500_000));
  });

  it("bills a DeepSeek request that started off-peak at the off-peak rates (half of peak)", async () => {
    const { apiKey } = await seedAccount();
    // 12:00 UTC is 20:00 in Beijing: off-peak every day of the week.
    const today = new Date().toISOString().slice(0, 10);
    vi.setSystemTime(new Date(`${today}T12:00:00Z`));
    const marker = `n${nonce()}`;
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: JSON.stringify({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `Hi ${marker} [[sim cached=1000 extra_prompt=20000]]` }],
      }),
    });
    expect(response.status).toBe(200);
    vi.useRealTimers();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const usage = await reported(marker);
    const miss = usage.prompt_tokens - usage.cached_tokens;
    expect(row.createdAt.toISOString()).toBe(`${today}T12:00:00.000Z`);
    expect(row.priceVersion).toMatch(/\+off-peak$/);
    // off-peak: 0.15 input, 0.003 cache hit, 0.60 output USD/M (peak: 0.30 / 0.006 / 1.20)
    expect(row.costMicroUsd).toBe(
      cost(miss * 150_000 + usage.cached_tokens * 3_000 + usage.completion_tokens * 600_000),
    );
  });
});
