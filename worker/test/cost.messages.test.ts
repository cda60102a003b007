/**
 * Cost in the answers of the Anthropic surface for a translated (non-Anthropic) model, driven by the official
 * @anthropic-ai/sdk over the provider simulator: `usage.cost` (USD) in the Message and in `message_delta.usage`,
 * equal to the usage row's `cost_micro_usd / 1e6`, and `x-omnizen-cost` on the non-streamed answer.
 */
import { describe, expect, it } from "vitest";
import { anthropicClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";

interface CostFields {
  cost: number;
  cost_details: { input: number; cache_read: number; cache_write: number; output: number; reasoning: number };
}

describe("cost in /v1/messages answers (translated)", () => {
  it("a non-streamed Message carries usage.cost and x-omnizen-cost, equal to the row's", async () => {
    const { apiKey } = await seedAccount();
    const { data: message, response } = await anthropicClient(apiKey)
      .messages.create({
        model: "deepseek/deepseek-v4-pro",
        max_tokens: 200,
        messages: [{ role: "user", content: `n${nonce()} [[sim cached=300 extra_prompt=400 reasoning=5]]` }],
      })
      .withResponse();
    const usage = message.usage as typeof message.usage & CostFields;
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ apiType: "messages", finishReason: "stop", cachedTokens: 300 });
    expect(usage.cache_read_input_tokens).toBe(300);
    expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
    expect(response.headers.get("x-omnizen-cost")).toBe(String(usage.cost));
    expect(usage.cost_details.cache_read).toBeGreaterThan(0);
    expect(usage.cost_details.reasoning).toBeGreaterThan(0);
  });

  it("a stream's message_delta.usage carries the cost, equal to the row's; the SDK still assembles the message", async () => {
    const { apiKey } = await seedAccount();
    const { data: stream, response } = await anthropicClient(apiKey)
      .messages.create({
        model: "gemini/gemini-3.8-flash",
        max_tokens: 200,
        stream: true,
        messages: [{ role: "user", content: `n${nonce()} [[sim chunks=4 cached=50 extra_prompt=100]]` }],
      })
      .withResponse();
    const types: string[] = [];
    let deltaUsage: (CostFields & { output_tokens: number }) | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "message_delta") deltaUsage = event.usage as typeof event.usage & CostFields;
    }
    expect(types.at(-1)).toBe("message_stop");
    expect(types.at(-2)).toBe("message_delta");
    expect(response.headers.get("x-omnizen-cost")).toBeNull();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ apiType: "messages", finishReason: "stop", stream: true, cachedTokens: 50 });
    expect(deltaUsage?.output_tokens).toBe(row.completionTokens);
    expect(deltaUsage?.cost).toBe(row.costMicroUsd / 1_000_000);
  });

  it("records tool_calls for a tool_use answer", async () => {
    const { apiKey } = await seedAccount();
    const { response } = await anthropicClient(apiKey)
      .messages.create({
        model: "qwen/qwen4-max",
        max_tokens: 200,
        tools: [{ name: "get_weather", input_schema: { type: "object" } }],
        messages: [{ role: "user", content: "Weather? [[sim tool=get_weather]]" }],
      })
      .withResponse();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ apiType: "messages", finishReason: "tool_calls" });
  });
});

describe("natively forwarded Anthropic answers", () => {
  it("carry x-omnizen-cost when not streamed, and their rows record the finish reason and api_type", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    const { response } = await client.messages
      .create({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 100,
        messages: [{ role: "user", content: `n${nonce()} [[sim cached=3]]` }],
      })
      .withResponse();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(response.headers.get("x-omnizen-cost")).toBe(String(row.costMicroUsd / 1_000_000));
    expect(row).toMatchObject({ apiType: "messages", finishReason: "stop", provider: "anthropic" });

    const { data: stream, response: streamed } = await client.messages
      .create({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 100,
        stream: true,
        tools: [{ name: "get_weather", input_schema: { type: "object" } }],
        messages: [{ role: "user", content: "Weather? [[sim tool=get_weather]]" }],
      })
      .withResponse();
    for await (const _event of stream);
    const streamedRow = await waitForUsageRow(streamed.headers.get("x-request-id") ?? "");
    expect(streamedRow).toMatchObject({ apiType: "messages", finishReason: "tool_calls", stream: true });
  });
});
