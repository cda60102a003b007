import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { postJson, useSimulator } from "./test-helpers.ts";
import { countTokens, replyText, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

const simulator = useSimulator();
const client = (): OpenAI =>
  new OpenAI({ baseURL: `${simulator.url}/openai/v1`, apiKey: "sk-test-key", maxRetries: 0 });

const system = "You are a terse assistant.";
const user = "Say something nice about Dhaka. [[sim chunks=5 words=9]]";
const messages = [
  { role: "system" as const, content: system },
  { role: "user" as const, content: user },
];
const promptTokens = countTokens(system) + countTokens(user);
const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "Weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];

describe("openai dialect through the official openai client", () => {
  it("answers non-stream with a chat.completion whose usage matches countTokens", async () => {
    const completion = await client().chat.completions.create({ model: "gpt-sim", messages });
    const text = completion.choices[0]?.message.content ?? "";
    expect(text).toBe(replyText("gpt-sim", 9));
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({
      prompt_tokens: promptTokens,
      completion_tokens: countTokens(text),
      total_tokens: promptTokens + countTokens(text),
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("streams the same text in the asked number of chunks, usage only when include_usage is set", async () => {
    const expected = replyText("gpt-sim", 9);
    const withUsage = await client().chat.completions.create({
      model: "gpt-sim",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    const chunks = [];
    for await (const chunk of withUsage) {
      chunks.push(chunk);
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
    }
    expect(pieces.join("")).toBe(expected);
    expect(pieces).toHaveLength(5);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: countTokens(expected) });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");

    const withoutUsage = await client().chat.completions.create({ model: "gpt-sim", messages, stream: true });
    const plain = [];
    for await (const chunk of withoutUsage) plain.push(chunk);
    expect(plain.every((chunk) => chunk.usage === undefined || chunk.usage === null)).toBe(true);
    expect(plain.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it("streams a tool call with arguments in pieces, and reports the same call non-stream", async () => {
    const toolMessages = [{ role: "user" as const, content: "Weather? [[sim tool=get_weather chunks=4]]" }];
    const toolPrompt = countTokens(toolMessages[0]!.content) + countTokens(JSON.stringify(tools));
    const stream = await client().chat.completions.create({
      model: "gpt-sim",
      messages: toolMessages,
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    let argumentPieces = 0;
    let name = "";
    let id = "";
    let argumentsJson = "";
    let finish: string | null | undefined;
    let usage;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.id) id = call.id;
      if (call?.function?.name) name = call.function.name;
      if (call?.function?.arguments) {
        argumentPieces += 1;
        argumentsJson += call.function.arguments;
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect({ name, argumentsJson, finish, argumentPieces }).toEqual({
      name: "get_weather",
      argumentsJson: TOOL_ARGUMENTS_JSON,
      finish: "tool_calls",
      argumentPieces: 4,
    });
    expect(id).toMatch(/^call_/);
    expect(JSON.parse(argumentsJson)).toMatchObject({ city: "Dhaka" });
    expect(usage).toMatchObject({
      prompt_tokens: toolPrompt,
      completion_tokens: countTokens("get_weather") + countTokens(TOOL_ARGUMENTS_JSON),
    });

    const completion = await client().chat.completions.create({ model: "gpt-sim", messages: toolMessages, tools });
    const message = completion.choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.tool_calls?.[0]).toMatchObject({
      id,
      type: "function",
      function: { name: "get_weather", arguments: argumentsJson },
    });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("counts reasoning into completion tokens and reports cached prompt tokens", async () => {
    const completion = await client().chat.completions.create({
      model: "gpt-sim",
      messages: [{ role: "user", content: "Hi [[sim reasoning=6 cached=3 words=4]]" }],
    });
    const text = completion.choices[0]?.message.content ?? "";
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(7);
    expect(completion.usage?.completion_tokens).toBe(7 + countTokens(text));
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
  });

  it.each([
    [429, OpenAI.RateLimitError],
    [500, OpenAI.InternalServerError],
    [503, OpenAI.InternalServerError],
    [400, OpenAI.BadRequestError],
    [401, OpenAI.AuthenticationError],
  ])("surfaces error=%i as the SDK's typed error", async (status, errorClass) => {
    const promise = client().chat.completions.create({
      model: "gpt-sim",
      messages: [{ role: "user", content: `hi [[sim error=${status} retry_after=7]]` }],
    });
    const error = await promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.headers?.get("retry-after")).toBe("7");
    expect(apiError.type).toBeTypeOf("string");
  });

  it("sends Retry-After: 1 on a 429 by default, and 401 without credentials", async () => {
    const url = `${simulator.url}/openai/v1/chat/completions`;
    const limited = await postJson(
      url,
      { model: "m", messages: [{ role: "user", content: "[[sim error=429]]" }] },
      { authorization: "Bearer k" },
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toMatchObject({
      error: { type: "requests", code: "rate_limit_exceeded", param: null },
    });
    const anonymous = await postJson(url, { model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "invalid_api_key", type: "invalid_request_error" } });
  });

  it("answers 400 in the OpenAI shape for malformed JSON, bad directives and misplaced stream_options", async () => {
    const url = `${simulator.url}/openai/v1/chat/completions`;
    const headers = { authorization: "Bearer k" };
    for (const body of [
      "{not json",
      { model: "m", messages: [{ role: "user", content: "[[sim chunks=zero]]" }] },
      { model: "m", messages: [{ role: "user", content: "[[sim tool=missing]]" }] },
      { model: "m", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } },
      { messages: [{ role: "user", content: "hi" }] },
    ]) {
      const response = await postJson(url, body, headers);
      expect(response.status).toBe(400);
      const json = (await response.json()) as { error: Record<string, unknown> };
      expect(Object.keys(json.error).sort()).toEqual(["code", "message", "param", "type"]);
    }
  });

  it("honours tool_choice as the real API does: a named function or required forces a call, none forbids one", async () => {
    const plain = [{ role: "user" as const, content: "What is the weather in Dhaka?" }];
    const second = { ...tools[0]!, function: { ...tools[0]!.function, name: "get_time" } };
    const named = await client().chat.completions.create({
      model: "gpt-sim",
      messages: plain,
      tools: [...tools, second],
      tool_choice: { type: "function", function: { name: "get_time" } },
    });
    expect(named.choices[0]?.finish_reason).toBe("tool_calls");
    expect(named.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: "get_time" } });
    const required = await client().chat.completions.create({
      model: "gpt-sim",
      messages: plain,
      tools,
      tool_choice: "required",
    });
    expect(required.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: "get_weather" } });
    // "none" wins even over the prompt's own tool directive.
    const none = await client().chat.completions.create({
      model: "gpt-sim",
      messages: [{ role: "user" as const, content: "Weather? [[sim tool=get_weather]]" }],
      tools,
      tool_choice: "none",
    });
    expect(none.choices[0]?.finish_reason).toBe("stop");
    expect(none.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect(none.choices[0]?.message.content).toBeTruthy();
  });
});
