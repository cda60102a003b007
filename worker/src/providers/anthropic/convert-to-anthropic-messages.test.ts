import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";

const convert = (messages: unknown[]) => convertToAnthropicMessages(messages, { includeThinking: false });

function refusalOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

const PNG_DATA = "iVBORw0KGgo=";

describe("convertToAnthropicMessages", () => {
  it("moves system and developer messages, wherever they are, into top-level system text blocks", () => {
    const { system, messages } = convert([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      {
        role: "developer",
        content: [
          { type: "text", text: "Use metric units." },
          { type: "text", text: "Cache me", cache_control: { type: "ephemeral" } },
        ],
      },
    ]);
    expect(system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: "Use metric units." },
      { type: "text", text: "Cache me", cache_control: { type: "ephemeral" } },
    ]);
    expect(messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("merges consecutive same-role messages so roles alternate, and drops empty text", () => {
    const { messages } = convert([
      { role: "user", content: "one" },
      {
        role: "user",
        content: [
          { type: "text", text: "two" },
          { type: "text", text: "  " },
        ],
      },
      { role: "assistant", content: "" },
      { role: "assistant", content: "three", name: "bot" },
      { role: "user", content: "four" },
    ]);
    expect(messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "three" }] },
      { role: "user", content: [{ type: "text", text: "four" }] },
    ]);
  });

  it("converts images: data: URLs to base64 sources, http(s) URLs to url sources", () => {
    const { messages } = convert([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_DATA}`, detail: "high" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_DATA } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("converts an inline PDF file to a document block", () => {
    const { messages } = convert([
      {
        role: "user",
        content: [{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBER" } }],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" }, title: "a.pdf" },
    ]);
  });

  it.each([
    [[{ type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } }], "messages[0].content[0].image_url"],
    [[{ type: "image_url", image_url: { url: "ftp://example.com/a.png" } }], "messages[0].content[0].image_url"],
    [[{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }], "messages[0].content[0].image_url"],
    [[{ type: "file", file: { file_id: "file-123" } }], "messages[0].content[0].file"],
    [[{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }], "messages[0].content[0].type"],
  ])("refuses user content %j with param %s", (content, param) => {
    expect(refusalOf(() => convert([{ role: "user", content }]))).toMatchObject({ code: "invalid_request", param });
  });

  it("turns assistant tool_calls into tool_use blocks and tool messages into user tool_result blocks, results first", () => {
    const { messages } = convert([
      { role: "user", content: "Weather in Dhaka and Paris?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Dhaka"}' } },
          { id: "call.2:x", type: "function", function: { name: "weather", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "31°C" },
      { role: "user", content: "And tomorrow?" },
      {
        role: "tool",
        tool_call_id: "call.2:x",
        content: [
          { type: "text", text: "18°C" },
          { type: "text", text: "rain" },
        ],
      },
    ]);
    expect(messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_1", name: "weather", input: { city: "Dhaka" } },
        { type: "tool_use", id: "call_2_x", name: "weather", input: {} },
      ],
    });
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_1", content: "31°C" },
        {
          type: "tool_result",
          tool_use_id: "call_2_x",
          content: [
            { type: "text", text: "18°C" },
            { type: "text", text: "rain" },
          ],
        },
        { type: "text", text: "And tomorrow?" },
      ],
    });
    expect(messages).toHaveLength(3);
  });

  it("refuses tool call arguments that are not a JSON object", () => {
    const assistant = (args: string) => [
      { role: "user", content: "x" },
      { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: args } }] },
    ];
    expect(refusalOf(() => convert(assistant("{not json")))).toMatchObject({
      code: "invalid_request",
      param: "messages[1].tool_calls[0].function.arguments",
      status: 400,
    });
    expect(refusalOf(() => convert(assistant("[1,2]"))).param).toBe("messages[1].tool_calls[0].function.arguments");
  });

  it("never echoes the client's content in a refusal", () => {
    const secret = "my-secret-prompt-text";
    const error = refusalOf(() =>
      convert([
        { role: "user", content: "x" },
        { role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: `{${secret}` } }] },
      ]),
    );
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  });

  it.each([
    [[{ role: "tool", content: "no id" }], "messages[0].tool_call_id"],
    [[{ role: "function", name: "f", content: "legacy" }], "messages[0].role"],
    [
      [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x" } }] }],
      "messages[0].content[0].type",
    ],
    [
      [
        { role: "user", content: "x" },
        { role: "assistant", tool_calls: [{ type: "function", function: { name: "f" } }] },
      ],
      "messages[1].tool_calls[0].id",
    ],
    [[{ role: "system", content: "only a system prompt" }], "messages"],
  ])("refuses %j with param %s", (messages, param) => {
    expect(refusalOf(() => convert(messages))).toMatchObject({ code: "invalid_request", param });
  });
});
