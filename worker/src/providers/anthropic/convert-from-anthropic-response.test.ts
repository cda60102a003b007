import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { toOpenAIUsage } from "../convert-to-openai-usage.ts";
import { convertFromAnthropicUsage } from "./convert-from-anthropic-usage.ts";
import { convertFromAnthropicResponse } from "./convert-from-anthropic-response.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

/** A recorded-shape Message with thinking, text and a tool call. */
const MESSAGE = {
  id: "msg_01ABC",
  type: "message",
  role: "assistant",
  model: "claude-test-1",
  content: [
    { type: "thinking", thinking: "The user wants weather.", signature: "c2ln" },
    { type: "text", text: "Let me check " },
    { type: "text", text: "Dhaka." },
    { type: "tool_use", id: "toolu_01", name: "weather", input: { city: "Dhaka", note: "café 🙂" } },
    { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: {
    input_tokens: 20,
    cache_read_input_tokens: 100,
    cache_creation_input_tokens: 30,
    output_tokens: 45,
    output_tokens_details: { thinking_tokens: 12 },
    service_tier: "standard",
  },
};

describe("convertFromAnthropicResponse", () => {
  it("maps a Message to a ChatCompletion with text, reasoning, tool calls, finish reason and usage", () => {
    const { body, usage } = convertFromAnthropicResponse(MESSAGE, "anthropic/claude-test");
    expect(body).toMatchObject({ id: "msg_01ABC", object: "chat.completion", model: "anthropic/claude-test" });
    expect(typeof body.created).toBe("number");
    expect(body.choices).toEqual([
      {
        index: 0,
        logprobs: null,
        finish_reason: "tool_calls",
        message: {
          role: "assistant",
          content: "Let me check Dhaka.",
          reasoning_content: "The user wants weather.",
          reasoning_signature: "c2ln",
          tool_calls: [
            {
              id: "toolu_01",
              type: "function",
              function: { name: "weather", arguments: '{"city":"Dhaka","note":"café 🙂"}' },
            },
          ],
        },
      },
    ]);
    expect(body.usage).toEqual({
      prompt_tokens: 150,
      completion_tokens: 45,
      total_tokens: 195,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    expect(usage).toEqual({
      inputUncached: 20,
      cacheRead: 100,
      cacheWrite: 30,
      output: 45,
      reasoning: 12,
      source: "provider",
    });
  });

  it("gives null content for a tool-only answer and no optional fields when absent", () => {
    const { body } = convertFromAnthropicResponse(
      { ...MESSAGE, content: [{ type: "tool_use", id: "t", name: "f", input: {} }] },
      "m",
    );
    expect(body.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }],
    });
  });

  it("returns null usage when the upstream gave none", () => {
    const { body, usage } = convertFromAnthropicResponse({ ...MESSAGE, usage: undefined }, "m");
    expect(usage).toBeNull();
    expect(body).not.toHaveProperty("usage");
  });

  it("refuses an unreadable answer without echoing it", () => {
    for (const json of [null, { error: { message: "secret body" } }, { type: "message" }]) {
      let thrown: unknown;
      try {
        convertFromAnthropicResponse(json, "m");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GatewayError);
      expect((thrown as GatewayError).code).toBe("upstream_error");
      expect((thrown as GatewayError).message).not.toContain("secret");
    }
  });
});

describe("mapAnthropicStopReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["something_new", "stop"],
    [null, "stop"],
  ])("%s -> %s", (stopReason, finishReason) => {
    expect(mapAnthropicStopReason(stopReason)).toBe(finishReason);
  });
});

describe("convertFromAnthropicUsage", () => {
  it("keeps input_tokens as the uncached input (it excludes cache reads and writes) and reports reasoning only when given", () => {
    expect(convertFromAnthropicUsage({ input_tokens: 7, output_tokens: 3 })).toEqual({
      inputUncached: 7,
      cacheRead: 0,
      cacheWrite: 0,
      output: 3,
      reasoning: 0,
      source: "provider",
    });
    expect(
      convertFromAnthropicUsage({ input_tokens: null, cache_read_input_tokens: -4, output_tokens: 2.9 }),
    ).toMatchObject({ inputUncached: 0, cacheRead: 0, output: 2 });
  });

  it("sums input, cache reads and cache writes into OpenAI's prompt_tokens", () => {
    expect(
      toOpenAIUsage({ inputUncached: 1, cacheRead: 2, cacheWrite: 3, output: 4, reasoning: 1, source: "provider" }),
    ).toMatchObject({
      prompt_tokens: 6,
      completion_tokens: 4,
      total_tokens: 10,
      prompt_tokens_details: { cached_tokens: 2, cache_write_tokens: 3 },
    });
  });
});
