import type { MessageCreateParams } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.ts";
import { convertFromAnthropicRequest } from "../surfaces/anthropic/convert-from-anthropic-request.ts";
import { anthropicRequestSchema } from "../surfaces/anthropic/parse-anthropic-request.ts";
import { readJsonBody } from "./read-json-body.ts";

/** Parses exactly as the /v1/messages route does (readJsonBody + the schema), then converts. */
async function convert(body: unknown) {
  const request = new Request("https://omnizen.test/v1/messages", { method: "POST", body: JSON.stringify(body) });
  return convertFromAnthropicRequest(await readJsonBody(request, 1_000_000, anthropicRequestSchema));
}

async function refusal(body: unknown): Promise<GatewayError> {
  try {
    await convert(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const base = { model: "deepseek/deepseek-flash", max_tokens: 1024 } as const;
const weatherTool = {
  name: "get_weather",
  description: "Weather by city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const timeTool = { name: "get_time", input_schema: { type: "object", properties: {} } };

describe("convertFromAnthropicRequest: messages", () => {
  it("maps a minimal request (the SDK's own param type) to the minimal internal request", async () => {
    const params: MessageCreateParams = { ...base, messages: [{ role: "user", content: "Hello" }] };
    expect(await convert(params)).toEqual({
      model: base.model,
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hello" }],
    });
  });

  it("turns system (string or text blocks) into a leading system message, carrying cache markers on their blocks", async () => {
    const fromString = await convert({ ...base, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] });
    expect(fromString.messages[0]).toEqual({ role: "system", content: "Be brief." });
    const plainBlocks = await convert({
      ...base,
      system: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Project rules." },
      ],
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(plainBlocks.messages[0]).toEqual({ role: "system", content: "You are Claude Code.\n\nProject rules." });
    const marked = await convert({
      ...base,
      system: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Project rules.", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "get_weather", input: {} }] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [{ type: "text", text: "sunny", cache_control: { type: "ephemeral", ttl: "5m" } }],
            },
          ],
        },
      ],
      tools: [{ ...weatherTool, cache_control: { type: "ephemeral" } }],
      cache_control: { type: "ephemeral" },
    });
    const ephemeral = { type: "ephemeral" };
    expect(marked.messages[0]).toEqual({
      role: "system",
      content: [
        { type: "text", text: "You are Claude Code." },
        // The TTL stays on the marker (Qwen writes and bills by it; Z.ai and others drop it: build-dialect-body.ts).
        { type: "text", text: "Project rules.", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
    });
    expect(marked.messages[1]).toEqual({
      role: "user",
      content: [{ type: "text", text: "Hi", cache_control: ephemeral }],
    });
    expect(marked.messages[3]).toEqual({
      role: "tool",
      tool_call_id: "t1",
      content: [{ type: "text", text: "sunny", cache_control: { type: "ephemeral", ttl: "5m" } }],
    });
    expect(marked.tools?.[0]).toMatchObject({ type: "function", cache_control: ephemeral });
    expect(marked).not.toHaveProperty("cache_control");
  });

  it("keeps an in-conversation system message (SDK 1.x SystemMessageParam) in place", async () => {
    const converted = await convert({
      ...base,
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: [{ type: "text", text: "Now be formal." }] },
        { role: "user", content: "b" },
      ],
    });
    expect(converted.messages.map((message) => message.role)).toEqual(["user", "system", "user"]);
    expect(converted.messages[1]).toEqual({ role: "system", content: "Now be formal." });
  });

  it("maps images (base64 to a data: URL, url as is) and keeps text beside them as parts", async () => {
    const converted = await convert({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "text", text: "What is in these?" },
          ],
        },
      ],
    });
    expect(converted.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "text", text: "What is in these?" },
        ],
      },
    ]);
  });

  it("maps a plain-text document to text", async () => {
    const converted = await convert({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: "The doc." } },
            { type: "text", text: "Summarise." },
          ],
        },
      ],
    });
    expect(converted.messages).toEqual([{ role: "user", content: "The doc.\n\nSummarise." }]);
  });

  it("maps tool_use to tool_calls and puts each tool_result, in order, before the user's remaining content", async () => {
    const converted = await convert({
      ...base,
      tools: [weatherTool, timeTool],
      messages: [
        { role: "user", content: "Weather in Zürich and the time?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "I should call both.", signature: "sig" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Zürich" } },
            { type: "tool_use", id: "toolu_b", name: "get_time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Here you go, and hurry." },
            { type: "tool_result", tool_use_id: "toolu_a", content: "12°C, rain" },
            {
              type: "tool_result",
              tool_use_id: "toolu_b",
              is_error: true,
              content: [
                { type: "text", text: "clock offline" },
                { type: "image", source: { type: "url", url: "https://example.com/clock.png" } },
              ],
            },
          ],
        },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_c", name: "get_time", input: { tz: "UTC" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_c" }] },
      ],
    });
    expect(converted.messages).toEqual([
      { role: "user", content: "Weather in Zürich and the time?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Zürich"}' } },
          { id: "toolu_b", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_a", content: "12°C, rain" },
      { role: "tool", tool_call_id: "toolu_b", content: "Error: clock offline" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://example.com/clock.png" } },
          { type: "text", text: "Here you go, and hurry." },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "toolu_c", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } }],
      },
      { role: "tool", tool_call_id: "toolu_c", content: "" },
    ]);
    expect(JSON.stringify(converted)).not.toContain("I should call both");
  });

  it("keeps an assistant prefill as the last message", async () => {
    const converted = await convert({
      ...base,
      messages: [
        { role: "user", content: "Pick A or B" },
        { role: "assistant", content: "The answer is (" },
      ],
    });
    expect(converted.messages.at(-1)).toEqual({ role: "assistant", content: "The answer is (" });
  });
});

describe("convertFromAnthropicRequest: parameters", () => {
  it("maps sampling, stop sequences, metadata and streaming; drops top_k", async () => {
    const converted = await convert({
      ...base,
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END", "###"],
      metadata: { user_id: "user-hash-1" },
      stream: true,
    });
    expect(converted).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      stop: ["END", "###"],
      user: "user-hash-1",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(converted).not.toHaveProperty("top_k");
    const notStreamed = await convert({ ...base, messages: [{ role: "user", content: "Hi" }], stream: false });
    expect(notStreamed.stream).toBe(false);
    expect(notStreamed).not.toHaveProperty("stream_options");
  });

  it("maps a thinking budget to reasoning_effort at the 2048 / 8192 boundaries; output_config.effort wins", async () => {
    const effortFor = async (extra: object) =>
      (await convert({ ...base, max_tokens: 32_000, messages: [{ role: "user", content: "x" }], ...extra }))
        .reasoning_effort;
    expect(await effortFor({ thinking: { type: "enabled", budget_tokens: 1024 } })).toBe("low");
    expect(await effortFor({ thinking: { type: "enabled", budget_tokens: 2048 } })).toBe("low");
    expect(await effortFor({ thinking: { type: "enabled", budget_tokens: 2049 } })).toBe("medium");
    expect(await effortFor({ thinking: { type: "enabled", budget_tokens: 8192 } })).toBe("medium");
    expect(await effortFor({ thinking: { type: "enabled", budget_tokens: 8193 } })).toBe("high");
    expect(await effortFor({ thinking: { type: "disabled" } })).toBeUndefined();
    expect(await effortFor({ thinking: { type: "adaptive" } })).toBeUndefined();
    expect(
      await effortFor({ thinking: { type: "enabled", budget_tokens: 1024 }, output_config: { effort: "max" } }),
    ).toBe("high");
    expect(await effortFor({ output_config: { effort: "medium" } })).toBe("medium");
  });

  it("maps output_config.format to a json_schema response_format", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } } };
    const converted = await convert({
      ...base,
      messages: [{ role: "user", content: "x" }],
      output_config: { format: { type: "json_schema", schema } },
    });
    expect(converted.response_format).toEqual({ type: "json_schema", json_schema: { name: "output", schema } });
  });

  it("maps client tools and every tool_choice", async () => {
    const withChoice = (tool_choice?: object) =>
      convert({
        ...base,
        messages: [{ role: "user", content: "x" }],
        tools: [weatherTool, { ...timeTool, type: "custom", strict: true }],
        ...(tool_choice ? { tool_choice } : {}),
      });
    const converted = await withChoice();
    expect(converted.tools).toEqual([
      {
        type: "function",
        function: { name: "get_weather", description: "Weather by city", parameters: weatherTool.input_schema },
      },
      { type: "function", function: { name: "get_time", parameters: timeTool.input_schema } },
    ]);
    expect(converted).not.toHaveProperty("tool_choice");
    expect((await withChoice({ type: "auto" })).tool_choice).toBe("auto");
    expect((await withChoice({ type: "any" })).tool_choice).toBe("required");
    expect((await withChoice({ type: "none" })).tool_choice).toBe("none");
    expect((await withChoice({ type: "tool", name: "get_time" })).tool_choice).toEqual({
      type: "function",
      function: { name: "get_time" },
    });
    expect(await withChoice({ type: "any", disable_parallel_tool_use: true })).toMatchObject({
      tool_choice: "required",
      parallel_tool_calls: false,
    });
    expect(await withChoice({ type: "auto", disable_parallel_tool_use: false })).not.toHaveProperty(
      "parallel_tool_calls",
    );
    const withoutTools = await convert({
      ...base,
      messages: [{ role: "user", content: "x" }],
      tool_choice: { type: "auto" },
    });
    expect(withoutTools).not.toHaveProperty("tool_choice");
    expect(withoutTools).not.toHaveProperty("tools");
  });
});

describe("convertFromAnthropicRequest: refusals name the field", () => {
  const user = (content: unknown) => ({ ...base, messages: [{ role: "user", content }] });
  const cases: Array<[string, unknown, string]> = [
    ["missing max_tokens", { model: base.model, messages: [{ role: "user", content: "x" }] }, "max_tokens"],
    ["zero max_tokens", { ...user("x"), max_tokens: 0 }, "max_tokens"],
    ["missing model", { max_tokens: 10, messages: [{ role: "user", content: "x" }] }, "model"],
    ["no messages", { ...base, messages: [] }, "messages"],
    ["an unknown role", { ...base, messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
    [
      "an unsupported block type",
      user([
        { type: "text", text: "a" },
        { type: "server_tool_use", id: "s", name: "web_search", input: {} },
      ]),
      "messages[0].content[1].type",
    ],
    [
      "an image file source",
      user([{ type: "image", source: { type: "file", file_id: "file_1" } }]),
      "messages[0].content[0].source.type",
    ],
    [
      "an unsupported image media type",
      user([{ type: "image", source: { type: "base64", media_type: "image/tiff", data: "AA==" } }]),
      "messages[0].content[0].source.media_type",
    ],
    [
      "a PDF document",
      user([{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } }]),
      "messages[0].content[0].source",
    ],
    [
      "tool_use in a user message",
      user([{ type: "tool_use", id: "t", name: "n", input: {} }]),
      "messages[0].content[0]",
    ],
    [
      "a search result inside a tool_result",
      user([
        {
          type: "tool_result",
          tool_use_id: "t",
          content: [{ type: "search_result", source: "s", title: "t", content: [] }],
        },
      ]),
      "messages[0].content[0].content[0].type",
    ],
    [
      "tool_result in an assistant message",
      { ...base, messages: [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t" }] }] },
      "messages[0].content[0]",
    ],
    [
      "an image in an assistant message",
      {
        ...base,
        messages: [
          { role: "assistant", content: [{ type: "image", source: { type: "url", url: "https://e.com/a.png" } }] },
        ],
      },
      "messages[0].content[0]",
    ],
    [
      "an image in a system message",
      {
        ...base,
        messages: [
          { role: "system", content: [{ type: "image", source: { type: "url", url: "https://e.com/a.png" } }] },
        ],
      },
      "messages[0].content[0]",
    ],
    [
      "a server tool",
      { ...user("x"), tools: [weatherTool, { type: "web_search_20250305", name: "web_search", max_uses: 3 }] },
      "tools[1]",
    ],
    ["a client tool without input_schema", { ...user("x"), tools: [{ name: "bare" }] }, "tools[0].input_schema"],
    [
      "tool_choice naming an undeclared tool",
      { ...user("x"), tools: [weatherTool], tool_choice: { type: "tool", name: "nope" } },
      "tool_choice.name",
    ],
    ["tool_choice any without tools", { ...user("x"), tool_choice: { type: "any" } }, "tool_choice"],
    [
      "an unknown tool_choice type",
      { ...user("x"), tools: [weatherTool], tool_choice: { type: "sometimes" } },
      "tool_choice.type",
    ],
    ["an unknown thinking type", { ...user("x"), thinking: { type: "deep" } }, "thinking.type"],
    ["thinking enabled without a budget", { ...user("x"), thinking: { type: "enabled" } }, "thinking.budget_tokens"],
    ["more than four stop sequences", { ...user("x"), stop_sequences: ["a", "b", "c", "d", "e"] }, "stop_sequences"],
    ["temperature above 1", { ...user("x"), temperature: 1.5 }, "temperature"],
    ["content that is neither string nor blocks", user(42), "messages[0].content"],
  ];
  it.each(cases)("refuses %s with param %s", async (_name, body, param) => {
    const error = await refusal(body);
    expect(error.code).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it("never quotes request content in the error", async () => {
    const secret = "SECRET-PROMPT-TEXT-42";
    const error = await refusal(
      user([
        { type: "text", text: secret },
        { type: "tool_use", id: secret, name: secret, input: { secret } },
      ]),
    );
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  });
});
