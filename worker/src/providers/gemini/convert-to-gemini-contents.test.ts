import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { SKIP_THOUGHT_SIGNATURE } from "./convert-to-gemini-contents.ts";
import { convertToGeminiRequest } from "./convert-to-gemini-request.ts";

const user = (content: unknown) => ({ role: "user", content }) as ChatCompletionRequest["messages"][number];
const convert = (fields: Record<string, unknown>) =>
  convertToGeminiRequest({
    model: "gemini/gemini-3.8-flash",
    messages: [user("Hi")],
    ...fields,
  } as ChatCompletionRequest);

/** Runs `action` and returns the GatewayError it throws, failing if it throws anything else or nothing. */
function refusal(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

const expectRefused = (fields: Record<string, unknown>, param: string) => {
  const error = refusal(() => convert(fields));
  expect(error.code).toBe("invalid_request");
  expect(error.status).toBe(400);
  expect(error.param).toBe(param);
  return error;
};

describe("convertToGeminiContents (through convertToGeminiRequest)", () => {
  it("puts system and developer text in systemInstruction and maps user/assistant to user/model turns", () => {
    const body = convert({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
        user("Hi"),
        { role: "assistant", content: "Hello!", reasoning_content: "not sent back" },
        user([{ type: "text", text: "Again" }]),
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Answer in English." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hi" }] },
      { role: "model", parts: [{ text: "Hello!" }] },
      { role: "user", parts: [{ text: "Again" }] },
    ]);
    expect(body).not.toHaveProperty("generationConfig");
    expect(body).not.toHaveProperty("tools");
  });

  it("merges consecutive turns of the same role and drops empty text", () => {
    const body = convert({ messages: [user("One"), user(""), user("Two"), { role: "assistant", content: null }] });
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "One" }, { text: "Two" }] }]);
  });

  it("turns assistant tool calls into functionCall parts and tool results into functionResponse parts", () => {
    const body = convert({
      messages: [
        user("Weather in Dhaka and Paris?"),
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Dhaka"}' },
              extra_content: { google: { thought_signature: "c2ln" } },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: '{"celsius":31}' },
        { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "noon" }] },
        user("Thanks"),
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Dhaka and Paris?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Dhaka" } }, thoughtSignature: "c2ln" },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { content: { celsius: 31 } } } },
          { functionResponse: { name: "get_time", response: { content: "noon" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  it("gives the first function call of a turn without a signature Google's documented skip signature", () => {
    const body = convert({
      messages: [
        user("Weather?"),
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "1", type: "function", function: { name: "get_weather", arguments: "{}" } },
            { id: "2", type: "function", function: { name: "get_weather", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "1", content: "sunny" },
        { role: "tool", tool_call_id: "2", content: "rain" },
      ],
    });
    expect(body.contents[1]?.parts).toEqual([
      { text: "Checking." },
      { functionCall: { name: "get_weather", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
      { functionCall: { name: "get_weather", args: {} } },
    ]);
  });

  it("resolves a reused tool call id to the latest earlier call", () => {
    const call = (name: string) => ({
      role: "assistant",
      tool_calls: [{ id: "call_0", type: "function", function: { name, arguments: "{}" } }],
    });
    const body = convert({
      messages: [
        user("a"),
        call("first"),
        { role: "tool", tool_call_id: "call_0", content: "1" },
        call("second"),
        { role: "tool", tool_call_id: "call_0", content: "2" },
      ],
    });
    expect(body.contents.at(-1)?.parts).toEqual([{ functionResponse: { name: "second", response: { content: 2 } } }]);
  });

  it("converts images: data: URLs to inlineData, http(s) URLs to fileData with the mime type from the extension", () => {
    const body = convert({
      messages: [
        user([
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/photos/cat.JPG?size=large", detail: "high" } },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
        ]),
      ],
    });
    expect(body.contents[0]?.parts).toEqual([
      { text: "What is this?" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/photos/cat.JPG?size=large" } },
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
    ]);
  });

  it.each([
    [
      "an image URL without a known extension",
      user([{ type: "image_url", image_url: { url: "https://example.com/image" } }]),
      "messages[0].content",
    ],
    [
      "a non-http image URL",
      user([{ type: "image_url", image_url: { url: "ftp://example.com/a.png" } }]),
      "messages[0].content",
    ],
    [
      "a data: URL that is not base64",
      user([{ type: "image_url", image_url: { url: "data:image/png,abc" } }]),
      "messages[0].content",
    ],
    ["an OpenAI file id", user([{ type: "file", file: { file_id: "file-123" } }]), "messages[0].content"],
    ["an unknown content part", user([{ type: "video_url", video_url: {} }]), "messages[0].content"],
    [
      "an image in a system message",
      { role: "system", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA==" } }] },
      "messages[0].content",
    ],
    ["the legacy function role", { role: "function", name: "f", content: "x" }, "messages[0].role"],
  ])("refuses %s", (_name, message, param) => {
    const error = expectRefused({ messages: [message, user("Hi")] }, param);
    expect(error.message).not.toContain("example.com");
  });

  it.each([
    [
      "invalid JSON arguments",
      { function: { name: "f", arguments: "{not json" } },
      "messages[1].tool_calls[0].function.arguments",
    ],
    [
      "arguments that are not an object",
      { function: { name: "f", arguments: "[1,2]" } },
      "messages[1].tool_calls[0].function.arguments",
    ],
    ["a call without a function name", { function: { arguments: "{}" } }, "messages[1].tool_calls[0].function.name"],
  ])("refuses an assistant tool call with %s", (_name, call, param) => {
    expectRefused(
      { messages: [user("Hi"), { role: "assistant", tool_calls: [{ id: "x", type: "function", ...call }] }] },
      param,
    );
  });

  it("refuses a tool message that answers no earlier tool call, and a conversation of system messages only", () => {
    expectRefused(
      { messages: [user("Hi"), { role: "tool", tool_call_id: "nope", content: "x" }] },
      "messages[1].tool_call_id",
    );
    expectRefused({ messages: [{ role: "system", content: "Only rules." }] }, "messages");
    expectRefused(
      { messages: [user("Hi"), { role: "assistant", content: "x", function_call: { name: "f" } }] },
      "messages[1].function_call",
    );
  });
});
