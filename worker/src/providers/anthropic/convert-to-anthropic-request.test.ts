import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { convertToAnthropicRequest, type ThinkingStyle } from "./convert-to-anthropic-request.ts";

const request = (fields: Record<string, unknown> = {}): ChatCompletionRequest =>
  ({ model: "anthropic/claude-test", messages: [{ role: "user", content: "hi" }], ...fields }) as ChatCompletionRequest;
const convert = (fields: Record<string, unknown> = {}, thinkingStyle: ThinkingStyle = "budget") =>
  convertToAnthropicRequest(request(fields), { upstreamModel: "claude-test-1", thinkingStyle });

/** Runs `action`, which must refuse with a GatewayError, and returns that error. */
function refusalOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("convertToAnthropicRequest: parameters", () => {
  it("sends the upstream model, the default max_tokens and nothing Anthropic would reject", () => {
    expect(convert()).toEqual({
      model: "claude-test-1",
      max_tokens: 8192,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      service_tier: "standard_only",
    });
  });

  it("takes max_completion_tokens over max_tokens", () => {
    expect(convert({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(convert({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  it("passes temperature 0-1, top_p, stream and stop (string or array) as stop_sequences", () => {
    expect(convert({ temperature: 0.7, top_p: 0.9, stream: true, stop: "END" })).toMatchObject({
      temperature: 0.7,
      top_p: 0.9,
      stream: true,
      stop_sequences: ["END"],
    });
    expect(convert({ stop: ["a", "b"] }).stop_sequences).toEqual(["a", "b"]);
    expect(convert({ stop: null, temperature: null, top_p: null })).not.toHaveProperty("stop_sequences");
    expect(convert({ temperature: 1 }).temperature).toBe(1);
  });

  it("refuses temperature above 1 (Anthropic's range is 0-1)", () => {
    expect(refusalOf(() => convert({ temperature: 1.2 }))).toMatchObject({
      code: "invalid_request",
      param: "temperature",
      status: 400,
    });
  });

  it("maps user to metadata.user_id", () => {
    expect(convert({ user: "user-42" }).metadata).toEqual({ user_id: "user-42" });
  });

  it("drops what is harmless to drop: n=1, logprobs false, penalties, seed, stream_options, text format, unknown fields", () => {
    const body = convert({
      n: 1,
      logprobs: false,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 7,
      stream_options: { include_usage: true },
      response_format: { type: "text" },
      store: true,
      metadata: { a: "b" },
      service_tier: "auto",
      prediction: { type: "content", content: "x" },
      prompt_cache_key: "k",
      safety_identifier: "s",
      some_vendor_field: 1,
    });
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model", "service_tier"]);
    // The client's tier never reaches Anthropic: Priority Tier is priced above the catalog.
    expect(body.service_tier).toBe("standard_only");
  });

  it.each([
    [{ response_format: { type: "json_object" } }, "response_format"],
    [{ response_format: { type: "json_schema", json_schema: { name: "x" } } }, "response_format"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 3 }, "top_logprobs"],
    [{ logit_bias: { "50256": -100 } }, "logit_bias"],
    [{ modalities: ["text", "audio"] }, "modalities"],
    [{ audio: { voice: "alloy", format: "mp3" } }, "audio"],
    [{ functions: [{ name: "f" }] }, "functions"],
    [{ function_call: "auto" }, "function_call"],
    [{ web_search_options: {} }, "web_search_options"],
    [{ reasoning_effort: "extreme" }, "reasoning_effort"],
  ])("refuses %j with param %s", (fields, param) => {
    expect(refusalOf(() => convert(fields))).toMatchObject({ code: "invalid_request", param, status: 400 });
  });

  it("maps response_format json_schema to Anthropic's structured outputs (output_config.format), beside the effort", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const body = convert({
      response_format: { type: "json_schema", json_schema: { name: "w", schema, strict: true } },
    });
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(body).not.toHaveProperty("response_format");
  });

  it("accepts an empty logit_bias", () => {
    expect(convert({ logit_bias: {} })).not.toHaveProperty("logit_bias");
  });
});

describe("convertToAnthropicRequest: reasoning_effort", () => {
  it.each([
    ["minimal", 1024],
    ["low", 1024],
    ["medium", 4096],
    ["high", 16384],
  ])("%s -> thinking with a %i token budget added on top of max_tokens", (effort, budget) => {
    expect(convert({ reasoning_effort: effort })).toMatchObject({
      thinking: { type: "enabled", budget_tokens: budget },
      max_tokens: 8192 + budget,
    });
    expect(convert({ reasoning_effort: effort, max_completion_tokens: 500 }).max_tokens).toBe(500 + budget);
  });

  it("none means no thinking", () => {
    const body = convert({ reasoning_effort: "none" });
    expect(body).not.toHaveProperty("thinking");
    expect(body.max_tokens).toBe(8192);
  });

  it("uses adaptive thinking with output_config.effort when the model needs it", () => {
    expect(convert({ reasoning_effort: "high" }, "adaptive")).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
      max_tokens: 8192 + 16384,
    });
    expect(convert({ reasoning_effort: "minimal" }, "adaptive").output_config).toEqual({ effort: "low" });
  });

  it("refuses sampling changes and forced tools that Anthropic rejects with thinking", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    expect(refusalOf(() => convert({ reasoning_effort: "low", temperature: 0.2 })).param).toBe("temperature");
    expect(refusalOf(() => convert({ reasoning_effort: "low", top_p: 0.5 })).param).toBe("top_p");
    expect(refusalOf(() => convert({ reasoning_effort: "low", tools, tool_choice: "required" })).param).toBe(
      "tool_choice",
    );
    expect(
      refusalOf(() =>
        convert({ reasoning_effort: "low", tools, tool_choice: { type: "function", function: { name: "f" } } }),
      ).param,
    ).toBe("tool_choice");
    expect(
      convert({ reasoning_effort: "low", temperature: 1, top_p: 0.95, tools, tool_choice: "auto" }).thinking,
    ).toBeDefined();
  });

  it("sends signed reasoning back as a leading thinking block and keeps thinking on in a tool loop", () => {
    const messages = [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        reasoning_content: "Let me look.",
        reasoning_signature: "sig==",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ];
    const body = convert({ reasoning_effort: "medium", messages });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
    expect(body.messages[1]?.content[0]).toEqual({ type: "thinking", thinking: "Let me look.", signature: "sig==" });
  });

  it("omits thinking when the last tool-calling assistant turn has no signed reasoning, or is a prefill", () => {
    const call = { id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } };
    const loop = [
      { role: "user", content: "weather?" },
      { role: "assistant", tool_calls: [call] },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ];
    const unsigned = convert({ reasoning_effort: "high", messages: loop });
    expect(unsigned).not.toHaveProperty("thinking");
    expect(unsigned.max_tokens).toBe(8192);
    const prefill = convert({
      reasoning_effort: "high",
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "Sure" },
      ],
    });
    expect(prefill).not.toHaveProperty("thinking");
  });

  it("drops reasoning from history when thinking is off (Anthropic would reject unsigned or unused blocks)", () => {
    const messages = [
      { role: "user", content: "a" },
      { role: "assistant", content: "b", reasoning_content: "r", reasoning_signature: "s" },
      { role: "user", content: "c" },
    ];
    expect(convert({ messages }).messages[1]?.content).toEqual([{ type: "text", text: "b" }]);
  });
});
