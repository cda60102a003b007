import { describe, expect, it } from "vitest";
import { planCompletion } from "./completion-plan.ts";
import { parseDirectives } from "./directives.ts";
import {
  anthropicPromptText,
  geminiPromptText,
  openAiPromptText,
  requestedToolChoice,
  responsesPromptText,
  type PromptText,
} from "./prompt-text.ts";

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

  it("reads the Responses API's flat tool_choice and allowed_tools", () => {
    const tools = [{ type: "web_search" }, { type: "function", name: "a" }, { type: "function", name: "b" }];
    expect(requestedToolChoice({ tools, tool_choice: { type: "function", name: "b" } })).toEqual({
      kind: "tool",
      name: "b",
    });
    expect(requestedToolChoice({ tools, tool_choice: "required" })).toEqual({ kind: "tool", name: "a" });
    const allowed = { type: "allowed_tools", tools: [{ type: "function", name: "b" }] };
    expect(requestedToolChoice({ tools, tool_choice: { ...allowed, mode: "required" } })).toEqual({
      kind: "tool",
      name: "b",
    });
    expect(requestedToolChoice({ tools, tool_choice: { ...allowed, mode: "auto" } })).toEqual({ kind: "auto" });
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

describe("tool_once: a request that carries a tool result is answered with text", () => {
  const marker = "[[sim tool=a tool_once=1]]";
  const plan = (prompt: PromptText) => {
    const parsed = parseDirectives({}, prompt.messageTexts);
    if (!parsed.ok) throw new Error(parsed.message);
    const result = planCompletion("m", parsed.directives, prompt, ["a"]);
    if ("error" in result) throw new Error(result.error);
    return result;
  };

  type PromptTextOf = (body: Record<string, unknown>) => PromptText;
  const cases: Array<[string, PromptTextOf, "messages" | "contents", unknown, unknown]> = [
    ["chat", openAiPromptText, "messages", { role: "user", content: marker }, { role: "tool", content: "x" }],
    [
      "anthropic",
      anthropicPromptText,
      "messages",
      { role: "user", content: marker },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "x" }] },
    ],
    [
      "gemini",
      geminiPromptText,
      "contents",
      { role: "user", parts: [{ text: marker }] },
      { role: "user", parts: [{ functionResponse: { name: "a", response: {} } }] },
    ],
  ];
  it.each(cases)("%s", (_name, promptText, key, first, result) => {
    expect(plan(promptText({ [key]: [first] })).toolCall?.name).toBe("a");
    const followUp = plan(promptText({ [key]: [first, result] }));
    expect(followUp.toolCall).toBeNull();
    expect(followUp.text).not.toBeNull();
  });

  it("responses", () => {
    const input = [{ role: "user", content: [{ type: "input_text", text: marker }] }];
    expect(plan(responsesPromptText({ input })).toolCall?.name).toBe("a");
    const output = { type: "function_call_output", call_id: "c", output: "x" };
    expect(plan(responsesPromptText({ input: [...input, output] })).toolCall).toBeNull();
  });
});
