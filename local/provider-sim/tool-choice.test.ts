import { describe, expect, it } from "vitest";
import { requestedToolChoice } from "./prompt-text.ts";

const openAiTools = [
  { type: "function", function: { name: "a" } },
  { type: "function", function: { name: "b" } },
];
const anthropicTools = [{ name: "a" }, { name: "b" }];
const geminiTools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }];

describe("requestedToolChoice", () => {
  it("reads OpenAI's tool_choice", () => {
    expect(requestedToolChoice({ tools: openAiTools })).toEqual({ kind: "auto" });
    expect(requestedToolChoice({ tools: openAiTools, tool_choice: "auto" })).toEqual({ kind: "auto" });
    expect(requestedToolChoice({ tools: openAiTools, tool_choice: "none" })).toEqual({ kind: "none" });
    expect(requestedToolChoice({ tools: openAiTools, tool_choice: "required" })).toEqual({ kind: "tool", name: "a" });
    expect(
      requestedToolChoice({ tools: openAiTools, tool_choice: { type: "function", function: { name: "b" } } }),
    ).toEqual({ kind: "tool", name: "b" });
    // Required without a tool to call forces nothing (the real API refuses such a request; the gateway does too).
    expect(requestedToolChoice({ tool_choice: "required" })).toEqual({ kind: "auto" });
  });

  it("reads Anthropic's tool_choice", () => {
    expect(requestedToolChoice({ tools: anthropicTools, tool_choice: { type: "auto" } })).toEqual({ kind: "auto" });
    expect(requestedToolChoice({ tools: anthropicTools, tool_choice: { type: "none" } })).toEqual({ kind: "none" });
    expect(requestedToolChoice({ tools: anthropicTools, tool_choice: { type: "any" } })).toEqual({
      kind: "tool",
      name: "a",
    });
    expect(requestedToolChoice({ tools: anthropicTools, tool_choice: { type: "tool", name: "b" } })).toEqual({
      kind: "tool",
      name: "b",
    });
  });

  it("reads Gemini's functionCallingConfig", () => {
    const mode = (config: Record<string, unknown>) =>
      requestedToolChoice({ tools: geminiTools, toolConfig: { functionCallingConfig: config } });
    expect(mode({ mode: "AUTO" })).toEqual({ kind: "auto" });
    expect(mode({ mode: "NONE" })).toEqual({ kind: "none" });
    expect(mode({ mode: "ANY" })).toEqual({ kind: "tool", name: "a" });
    expect(mode({ mode: "ANY", allowedFunctionNames: ["b"] })).toEqual({ kind: "tool", name: "b" });
  });
});
