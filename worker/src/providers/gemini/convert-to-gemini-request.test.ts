import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
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

describe("convertToGeminiRequest: tools", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather",
      parameters: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
        additionalProperties: false,
      },
      strict: true,
    },
  };

  it("declares function tools with cleaned parameters, and omits parameters that constrain nothing", () => {
    const body = convert({
      tools: [weather, { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } }],
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Current weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
          { name: "now" },
        ],
      },
    ]);
    expect(body).not.toHaveProperty("toolConfig");
  });

  it.each([
    ["auto", { functionCallingConfig: { mode: "AUTO" } }],
    ["none", { functionCallingConfig: { mode: "NONE" } }],
    ["required", { functionCallingConfig: { mode: "ANY" } }],
    [
      { type: "function", function: { name: "get_weather" } },
      { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } },
    ],
  ])("maps tool_choice %j", (toolChoice, toolConfig) => {
    expect(convert({ tools: [weather], tool_choice: toolChoice }).toolConfig).toEqual(toolConfig);
  });

  it("refuses tools Gemini cannot declare and tool choices it cannot honour", () => {
    expectRefused({ tools: [{ type: "custom", custom: { name: "x" } }] }, "tools[0].type");
    expectRefused({ tools: [{ type: "function", function: { description: "no name" } }] }, "tools[0].function.name");
    expectRefused(
      { tools: [weather], tool_choice: { type: "function", function: { name: "other" } } },
      "tool_choice.function.name",
    );
    expectRefused({ tools: [weather], tool_choice: { type: "allowed_tools", allowed_tools: {} } }, "tool_choice");
    expectRefused({ tool_choice: "required" }, "tool_choice");
    expect(convert({ tool_choice: "none" })).not.toHaveProperty("toolConfig");
  });

  it("drops parallel_tool_calls", () => {
    expect(convert({ tools: [weather], parallel_tool_calls: false })).not.toHaveProperty("parallel_tool_calls");
  });
});

describe("convertToGeminiRequest: generationConfig", () => {
  it("maps the sampling and length parameters", () => {
    const body = convert({
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 0.4,
      top_p: 0.9,
      stop: ["END", "STOP"],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 200,
      temperature: 0.4,
      topP: 0.9,
      stopSequences: ["END", "STOP"],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
    expect(convert({ max_tokens: 100, stop: "END" }).generationConfig).toEqual({
      maxOutputTokens: 100,
      stopSequences: ["END"],
    });
  });

  it("maps response_format to a JSON mime type and a converted response schema", () => {
    expect(convert({ response_format: { type: "text" } })).not.toHaveProperty("generationConfig");
    expect(convert({ response_format: { type: "json_object" } }).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    const schema = {
      type: "object",
      properties: { answer: { type: "string" } },
      required: ["answer"],
      additionalProperties: false,
    };
    expect(
      convert({ response_format: { type: "json_schema", json_schema: { name: "a", strict: true, schema } } })
        .generationConfig,
    ).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
    });
  });

  it.each([
    ["none", { thinkingBudget: 0 }],
    ["minimal", { thinkingBudget: 512, includeThoughts: true }],
    ["low", { thinkingBudget: 1024, includeThoughts: true }],
    ["medium", { thinkingBudget: 8192, includeThoughts: true }],
    ["high", { thinkingBudget: 24576, includeThoughts: true }],
    ["xhigh", { thinkingBudget: 24576, includeThoughts: true }],
  ])("maps reasoning_effort %s to a thinking budget", (effort, thinkingConfig) => {
    expect(convert({ reasoning_effort: effort }).generationConfig).toEqual({ thinkingConfig });
  });

  it.each([
    ["none", { thinkingLevel: "minimal" }],
    ["minimal", { thinkingLevel: "minimal", includeThoughts: true }],
    ["low", { thinkingLevel: "low", includeThoughts: true }],
    ["medium", { thinkingLevel: "medium", includeThoughts: true }],
    ["high", { thinkingLevel: "high", includeThoughts: true }],
    ["xhigh", { thinkingLevel: "high", includeThoughts: true }],
  ])("maps reasoning_effort %s to a thinking level for models that take levels", (effort, thinkingConfig) => {
    const request = {
      model: "gemini/gemini-3.8-flash",
      messages: [user("Hi")],
      reasoning_effort: effort,
    } as ChatCompletionRequest;
    expect(convertToGeminiRequest(request, { thinkingStyle: "level" }).generationConfig).toEqual({ thinkingConfig });
  });

  it.each([
    [{ n: 2 }, "n"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 3 }, "top_logprobs"],
    [{ logit_bias: { "50256": -100 } }, "logit_bias"],
    [{ audio: { voice: "alloy", format: "mp3" } }, "audio"],
    [{ modalities: ["text", "audio"] }, "modalities"],
    [{ functions: [{ name: "f" }] }, "functions"],
    [{ function_call: "auto" }, "function_call"],
    [{ web_search_options: {} }, "web_search_options"],
    [{ stop: ["a", "b", "c", "d", "e", "f"] }, "stop"],
    [{ response_format: { type: "xml" } }, "response_format"],
    [{ reasoning_effort: "maximum" }, "reasoning_effort"],
    [{ reasoning_effort: "constructor" }, "reasoning_effort"],
    [{ seed: "7" }, "seed"],
  ])("refuses %j", (fields, param) => {
    expectRefused(fields, param);
  });

  it("accepts and drops what Gemini has no use for", () => {
    const body = convert({
      n: 1,
      logprobs: false,
      logit_bias: {},
      modalities: ["text"],
      user: "u1",
      metadata: { a: "b" },
      store: false,
      service_tier: "auto",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
  });
});
