/**
 * Native forwarding through the chat pipeline: the answer as the provider sent it, its usage read in the provider's
 * own dialect, and the cost in the final body / final stream event equal to the usage row's. The Responses API to
 * OpenAI through /v1/responses, Anthropic through /v1/messages.
 */
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import {
  anthropicClient,
  gatewayFetch,
  bearer,
  openaiClient,
  seedAccount,
  waitForUsageRow,
} from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const MODEL = "openai/gpt-6.1-terra";
const TOOLS: OpenAI.Responses.FunctionTool[] = [
  { type: "function", name: "exec_command", parameters: { type: "object" }, strict: false },
];
const base64url = (value: unknown): string => btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_");

interface CostedUsage {
  cost?: number;
  cost_details?: Record<string, number>;
}

/** The cost in an answer equals the usage row's, and its parts sum to it before the one rounding up. */
function expectRowCost(usage: CostedUsage | null | undefined, row: { costMicroUsd: number }) {
  expect(row.costMicroUsd).toBeGreaterThan(0);
  expect(usage?.cost).toBe(row.costMicroUsd / 1e6);
  const { input = 0, cache_read = 0, cache_write = 0, output = 0 } = usage?.cost_details ?? {};
  expect(Math.ceil((input + cache_read + cache_write + output) * 1e6 - 1e-6)).toBe(row.costMicroUsd);
}

describe(`the Responses API forwarded natively to OpenAI (${MODEL})`, () => {
  it("answers as OpenAI did, with the catalog model and the usage row's cost; upstream got store:false", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await openaiClient(apiKey)
      .responses.create({
        model: MODEL,
        input: `${marker} [[sim cached=3 cache_write=2 words=5]]`,
        store: true,
        include: ["reasoning.encrypted_content"],
      })
      .withResponse();
    expect(data.object).toBe("response");
    expect(data.model).toBe(MODEL);
    expect(data.id).toMatch(/^resp_sim/);
    expect(data.output_text.split(" ")).toHaveLength(5);
    expect(data.usage?.input_tokens_details).toEqual({ cached_tokens: 3, cache_write_tokens: 2 });
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model: MODEL, provider: "openai", status: "ok", cachedTokens: 3, cacheWriteTokens: 2 });
    expect(row.promptTokens).toBe((data.usage?.input_tokens ?? 0) - 5);
    expectRowCost(data.usage as CostedUsage, row);
    const [upstream] = await simulatorEntries(marker);
    expect(upstream).toMatchObject({ path: "/openai/v1/responses", model: "gpt-6.1-terra" });
    expect(upstream?.body).toMatchObject({ store: false, include: ["reasoning.encrypted_content"] });
  });

  it("streams OpenAI's events that responses.stream assembles; response.completed carries the cost", async () => {
    const { apiKey } = await seedAccount();
    const requestIds: string[] = [];
    const stream = openaiClient(apiKey, requestIds).responses.stream({
      model: MODEL,
      input: `n${nonce()} [[sim chunks=4 reasoning=3]]`,
      reasoning: { summary: "auto" },
    });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    let completed: OpenAI.Responses.ResponseCompletedEvent | undefined;
    stream.on("response.completed", (event) => (completed = event));
    const final = await stream.finalResponse();
    expect(deltas).toHaveLength(4);
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(final.output_text).toBe(deltas.join(""));
    const row = await waitForUsageRow(requestIds[0] ?? "");
    expect(row).toMatchObject({ status: "ok", reasoningTokens: final.usage?.output_tokens_details.reasoning_tokens });
    expectRowCost(completed?.response.usage as CostedUsage, row);
  });

  it("runs an agent's tool loop: a function_call, then the function_call_output answered with text", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const task = `n${nonce()} run it [[sim tool=exec_command tool_once=1 tool_args=${base64url({ cmd: "ls" })}]]`;
    const first = await client.responses.stream({ model: MODEL, input: task, tools: TOOLS }).finalResponse();
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ name: "exec_command", arguments: '{"cmd":"ls"}' });
    if (call?.type !== "function_call") return;
    const second = await client.responses.create({
      model: MODEL,
      tools: TOOLS,
      input: [
        { role: "user", content: task },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "a.txt" },
      ],
    });
    expect(second.output.map((item) => item.type)).toEqual(["message"]);
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it("passes response.failed through and books the stream as an error", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/responses", {
      method: "POST",
      headers: bearer(apiKey),
      body: JSON.stringify({ model: MODEL, input: `n${nonce()} [[sim error_after=2]]`, stream: true }),
    });
    const text = await response.text();
    const events = text.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toMatch(/^event: response\.failed\n/);
    expect(events.filter((event) => event.startsWith("event: response.output_text.delta"))).toHaveLength(2);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ status: "error", usageSource: "estimated" });
  });
});

describe("Anthropic forwarded natively: the cost in the Message and in message_delta", () => {
  const model = "anthropic/claude-haiku-5-5";

  it("non-streamed: usage.cost equals the usage row's", async () => {
    const { apiKey } = await seedAccount();
    const { data, response } = await anthropicClient(apiKey)
      .messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: "Hi [[sim cached=2]]" }] })
      .withResponse();
    expect(data.model).toBe(model);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expectRowCost(data.usage as unknown as CostedUsage, row);
  });

  it("streamed: only message_delta changes, gaining the usage row's cost", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/messages", {
      method: "POST",
      headers: { ...bearer(apiKey), "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model,
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "Hi [[sim cache_write=3]]" }],
      }),
    });
    const events = (await response.text()).split("\n\n").filter(Boolean);
    const delta = events.find((event) => event.startsWith("event: message_delta"));
    const data = JSON.parse(delta?.slice(delta.indexOf("data: ") + 6) ?? "{}") as { usage?: CostedUsage };
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expectRowCost(data.usage, row);
    const others = events.filter((event) => !event.startsWith("event: message_delta"));
    expect(others.every((event) => !event.includes('"cost"'))).toBe(true);
  });
});
