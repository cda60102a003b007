/**
 * POST /v1/responses driven by the official `openai` SDK (`responses.create`, `responses.stream` + `finalResponse`)
 * for a model of every provider: text answers billed as the usage row says (`usage.cost` = `cost_micro_usd / 1e6`),
 * a function-call round trip, and structured output (`text.format` json_schema) reaching the upstream in its own
 * dialect. The provider simulator honours `[[sim ...]]` directives (local/provider-sim/README.md).
 */
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const MODELS = [
  "deepseek/deepseek-flash",
  "zai/glm-5.3",
  "qwen/qwen4-max",
  "minimax/minimax-m3",
  "moonshot/kimi-k3",
  "anthropic/claude-haiku-5-5",
  "gemini/gemini-3.8-flash",
  "openai/gpt-6-luna",
];

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city", "celsius"],
  additionalProperties: false,
};

/** Where each dialect carries a JSON schema for the answer (what the adapters make of `response_format`). */
function upstreamSchema(provider: string, body: Record<string, unknown>): unknown {
  if (provider === "anthropic") {
    // Anthropic's structured outputs.
    const config = body.output_config as { format?: { type?: string; schema?: unknown } } | undefined;
    return config?.format?.type === "json_schema" ? config.format.schema : undefined;
  }
  if (provider === "gemini") {
    const config = body.generationConfig as Record<string, unknown> | undefined;
    return config?.responseSchema ?? config?.responseJsonSchema;
  }
  if (provider === "openai") {
    // Forwarded natively: the Responses API's own text.format.
    const text = body.text as { format?: { name?: string; schema?: unknown } } | undefined;
    return text?.format?.name === "weather" ? text.format.schema : undefined;
  }
  const format = body.response_format as { json_schema?: { name?: string; schema?: unknown } } | undefined;
  return format?.json_schema?.name === "weather" ? format.json_schema.schema : undefined;
}

/** Models whose provider speaks the Responses API itself: forwarded natively (surfaces/responses/native-forward.ts). */
const NATIVE = new Set(["openai/gpt-6-luna"]);

describe.each(MODELS)("%s through /v1/responses", (model) => {
  it("answers a non-streamed response whose usage carries the billed cost", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data: response, response: raw } = await openaiClient(apiKey)
      .responses.create({
        model,
        instructions: "Be brief.",
        input: `${marker} Hello [[sim cached=2]]`,
        metadata: { ticket: "T-1" },
        store: true,
      })
      .withResponse();
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    // A translated answer's id is ours; OpenAI's own (forwarded natively) keeps the id OpenAI gave it.
    if (NATIVE.has(model)) expect(response.id).toMatch(/^resp_/);
    else expect(response.id).toBe(`resp_${(raw.headers.get("x-request-id") ?? "").replace(/^req_/, "")}`);
    expect(response.metadata).toEqual({ ticket: "T-1" });
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.output.at(-1)).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    const usage = response.usage as OpenAI.Responses.ResponseUsage & { cost: number };
    expect(usage.input_tokens_details.cached_tokens).toBe(2);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);

    const row = await waitForUsageRow(raw.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model, status: "ok", cachedTokens: 2, completionTokens: usage.output_tokens });
    expect(row.costMicroUsd).toBeGreaterThan(0);
    expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
    expect(usage.input_tokens).toBe(row.promptTokens + row.cachedTokens + row.cacheWriteTokens);
    const upstream = (await simulatorEntries(marker))[0];
    expect(upstream?.usage?.completion_tokens).toBe(usage.output_tokens);
    // store: true is accepted and never forwarded; the instructions lead as a system message (Gemini and Anthropic
    // carry it in their own system field).
    expect(JSON.stringify(upstream?.body)).not.toContain('"store":true');
  });

  it("streams a response that the SDK's ResponseStream assembles, with the cost on response.completed", async () => {
    const { apiKey } = await seedAccount();
    const requestIds: string[] = [];
    const stream = openaiClient(apiKey, requestIds).responses.stream({ model, input: "Tell me [[sim chunks=5]]" });
    let deltas = "";
    const types: string[] = [];
    stream.on("response.output_text.delta", (event) => (deltas += event.delta));
    stream.on("event", (event) => types.push(event.type));
    const response = await stream.finalResponse();
    expect(deltas.length).toBeGreaterThan(0);
    expect(response.output_text).toBe(deltas);
    expect(response.status).toBe("completed");
    expect(types.slice(0, 3)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect(types.at(-1)).toBe("response.completed");
    const usage = response.usage as OpenAI.Responses.ResponseUsage & { cost: number };
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(requestIds).toHaveLength(1);
    const row = await waitForUsageRow(requestIds[0] ?? "");
    expect(row.costMicroUsd).toBeGreaterThan(0);
    expect(usage.cost).toBe(row.costMicroUsd / 1_000_000);
    expect(row.completionTokens).toBe(usage.output_tokens);
  });

  it("round-trips a function call: function_call, then function_call_output, then text", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const first = await client.responses
      .stream({ model, tools: [WEATHER], input: "Weather in Dhaka? [[sim tool=get_weather]]" })
      .finalResponse();
    const call = first.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", status: "completed" });
    if (call?.type !== "function_call") return;
    expect(call.id).toMatch(/^fc_/);
    expect(JSON.parse(call.arguments)).toMatchObject({ city: "Dhaka" });

    const second = await client.responses.create({
      model,
      tools: [WEATHER],
      input: [
        { role: "user", content: "Weather in Dhaka?" },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "31°C, humid" },
      ],
    });
    expect(second.status).toBe("completed");
    expect(second.output_text.length).toBeGreaterThan(0);
    expect(second.output.some((item) => item.type === "function_call")).toBe(false);
  });

  it("carries text.format json_schema to the upstream in its own dialect", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const provider = model.split("/")[0] ?? "";
    const request = openaiClient(apiKey).responses.create({
      model,
      input: `${marker} The weather in Dhaka as JSON`,
      text: { format: { type: "json_schema", name: "weather", schema: SCHEMA, strict: true } },
    });
    const response = await request;
    expect(response.status).toBe("completed");
    expect(response.text?.format).toMatchObject({ type: "json_schema", name: "weather" });
    const upstream = (await simulatorEntries(marker))[0];
    expect(upstream).toBeDefined();
    expect(upstreamSchema(provider, upstream?.body as Record<string, unknown>)).toBeTruthy();
  });
});
