import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { postJson, readSse, useSimulator } from "./test-helpers.ts";
import { countTokens, reasoningText, replyText, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

const simulator = useSimulator();
const client = (): Anthropic =>
  new Anthropic({ baseURL: `${simulator.url}/anthropic`, apiKey: "sk-ant-test", maxRetries: 0 });

const system = "Answer briefly.";
const user = "Describe Sylhet. [[sim chunks=3 words=8 reasoning=4 cached=2 cache_write=3]]";
const params = { model: "claude-sim", max_tokens: 256, system, messages: [{ role: "user" as const, content: user }] };
const promptTokens = countTokens(system) + countTokens(user);
const tools = [
  {
    name: "get_weather",
    description: "Weather",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
  },
];

describe("anthropic dialect through the official @anthropic-ai/sdk client", () => {
  it("answers a non-stream Message with thinking, text and usage excluding cache from input_tokens", async () => {
    const message = await client().messages.create(params);
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const text = message.content[1]?.type === "text" ? message.content[1].text : "";
    expect(text).toBe(replyText("claude-sim", 8));
    expect(message.stop_reason).toBe("end_turn");
    const thinkingTokens = countTokens(reasoningText("claude-sim", 4));
    expect(message.usage).toMatchObject({
      input_tokens: promptTokens - 2 - 3,
      cache_read_input_tokens: 2,
      cache_creation_input_tokens: 3,
      output_tokens: thinkingTokens + countTokens(text),
      output_tokens_details: { thinking_tokens: thinkingTokens },
    });
  });

  it("reports 1-hour cache writes apart (cache_ttl=1h), counts extra_prompt tokens, and logs the anthropic-beta header", async () => {
    const content = "Long read. [[sim cache_write=1000 cache_ttl=1h extra_prompt=5000]]";
    const message = await client().messages.create(
      { model: "claude-sim", max_tokens: 16, messages: [{ role: "user", content }] },
      { headers: { "anthropic-beta": "extended-cache-ttl-2025-04-11" } },
    );
    expect(message.usage).toMatchObject({
      input_tokens: countTokens(content) + 5000 - 1000,
      cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 },
    });
    const log = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as {
      requests: Array<{ anthropic_beta: string | null }>;
    };
    expect(log.requests.at(-1)?.anthropic_beta).toBe("extended-cache-ttl-2025-04-11");
  });

  it("streams the same content with message_delta usage taken by the SDK", async () => {
    const nonStream = await client().messages.create(params);
    const stream = client().messages.stream(params);
    const final = await stream.finalMessage();
    expect(final.content).toEqual(nonStream.content);
    expect(final.usage.output_tokens).toBe(nonStream.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(nonStream.usage.input_tokens);
    expect(final.usage.cache_read_input_tokens).toBe(2);
    expect(final.stop_reason).toBe("end_turn");
  });

  it("sends the exact SSE event order with event: and data.type matching", async () => {
    const response = await postJson(
      `${simulator.url}/anthropic/v1/messages`,
      { ...params, stream: true },
      {
        "x-api-key": "k",
        "anthropic-version": "2023-06-01",
      },
    );
    const events = await readSse(response);
    for (const event of events) expect((JSON.parse(event.data) as { type: string }).type).toBe(event.event);
    const names = events.map((event) => event.event);
    expect(names).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = JSON.parse(events[0]!.data) as { message: { usage: Record<string, number> } };
    expect(start.message.usage).toMatchObject({ input_tokens: promptTokens - 5, output_tokens: 1 });
  });

  it("streams a tool_use block with input_json_delta pieces", async () => {
    const toolUser = "Weather? [[sim tool=get_weather chunks=5]]";
    const stream = client().messages.stream({
      model: "claude-sim",
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: toolUser }],
    });
    let jsonPieces = "";
    let deltas = 0;
    stream.on("inputJson", (partial) => {
      jsonPieces += partial;
      deltas += 1;
    });
    const final = await stream.finalMessage();
    expect(deltas).toBe(5);
    expect(jsonPieces).toBe(TOOL_ARGUMENTS_JSON);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content[0]).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: JSON.parse(TOOL_ARGUMENTS_JSON),
    });
    expect(final.usage.input_tokens).toBe(countTokens(toolUser) + countTokens(JSON.stringify(tools)));
    expect(final.usage.output_tokens).toBe(countTokens("get_weather") + countTokens(TOOL_ARGUMENTS_JSON));
  });

  it("accepts the SDK's Authorization: Bearer key (what @anthropic-ai/sdk 1.x sends) and records the version", async () => {
    await client().messages.create(params);
    const log = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as {
      requests: Array<Record<string, unknown>>;
    };
    expect(log.requests[0]).toMatchObject({
      provider: "anthropic",
      auth: { header: "authorization", credential_length: "sk-ant-test".length },
      anthropic_version: expect.any(String),
      status: 200,
      usage: { prompt_tokens: promptTokens, cached_tokens: 2 },
    });
  });

  it("counts tokens at /v1/messages/count_tokens", async () => {
    const counted = await client().messages.countTokens({
      model: "claude-sim",
      system,
      messages: [{ role: "user", content: user }],
    });
    expect(counted.input_tokens).toBe(promptTokens);
  });

  it.each([
    [429, Anthropic.RateLimitError, "rate_limit_error"],
    [529, Anthropic.InternalServerError, "overloaded_error"],
    [500, Anthropic.InternalServerError, "api_error"],
    [400, Anthropic.BadRequestError, "invalid_request_error"],
  ])("surfaces error=%i as the SDK's typed error", async (status, errorClass, type) => {
    const error = await client()
      .messages.create({ ...params, messages: [{ role: "user", content: `hi [[sim error=${status}]]` }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.error).toMatchObject({ type: "error", error: { type } });
    if (status === 429) expect(apiError.headers?.get("retry-after")).toBe("1");
  });

  it("requires x-api-key (401), anthropic-version and max_tokens (400), and valid JSON", async () => {
    const url = `${simulator.url}/anthropic/v1/messages`;
    const body = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] };
    const noKey = await postJson(url, body, { "anthropic-version": "2023-06-01" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.any(String) },
    });
    expect((await postJson(url, body, { "x-api-key": "k" })).status).toBe(400);
    const headers = { "x-api-key": "k", "anthropic-version": "2023-06-01" };
    const noMax = await postJson(url, { ...body, max_tokens: undefined }, headers);
    expect(noMax.status).toBe(400);
    const malformed = await postJson(url, "{", headers);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("honours tool_choice as the real API does: tool and any force a tool_use, none forbids one", async () => {
    const plain = [{ role: "user" as const, content: "What is the weather in Sylhet?" }];
    const both = [...tools, { ...tools[0]!, name: "get_time" }];
    const named = await client().messages.create({
      model: "claude-sim",
      max_tokens: 256,
      messages: plain,
      tools: both,
      tool_choice: { type: "tool", name: "get_time" },
    });
    expect(named.stop_reason).toBe("tool_use");
    expect(named.content.find((block) => block.type === "tool_use")).toMatchObject({ name: "get_time" });
    const any = await client().messages.create({
      model: "claude-sim",
      max_tokens: 256,
      messages: plain,
      tools,
      tool_choice: { type: "any" },
    });
    expect(any.content.find((block) => block.type === "tool_use")).toMatchObject({ name: "get_weather" });
    const none = await client().messages.create({
      model: "claude-sim",
      max_tokens: 256,
      messages: [{ role: "user" as const, content: "Weather? [[sim tool=get_weather]]" }],
      tools,
      tool_choice: { type: "none" },
    });
    expect(none.stop_reason).toBe("end_turn");
    expect(none.content.some((block) => block.type === "tool_use")).toBe(false);
  });
});
