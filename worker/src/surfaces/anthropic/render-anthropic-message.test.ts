import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { anthropicSurface } from "./anthropic-surface.ts";
import { renderAnthropicMessage, type MessageWithCost } from "./render-anthropic-message.ts";
import { zeroCost, type RequestCost } from "../../lib/cost.ts";

const usage: NormalizedUsage = {
  inputUncached: 120,
  cacheRead: 800,
  cacheWrite: 64,
  output: 57,
  reasoning: 20,
  source: "provider",
};

function completion(
  message: Record<string, unknown>,
  finishReason: string | null,
  choiceExtra: Record<string, unknown> = {},
): ChatCompletion {
  return {
    id: "chatcmpl-abc123",
    object: "chat.completion",
    created: 1,
    model: "deepseek/deepseek-flash",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason, ...choiceExtra }],
    usage: { prompt_tokens: 984, completion_tokens: 57, total_tokens: 1041 },
  };
}

describe("renderAnthropicMessage", () => {
  it("renders thinking, text and tool_use blocks in Anthropic's order with parsed inputs and the usage split", () => {
    const body = completion(
      {
        content: "Let me check both.",
        reasoning_content: "The user wants weather and time.",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Zürich","units":["c"]}' },
          },
          { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz": "Asia/Dha' } },
        ],
      },
      "tool_calls",
    );
    const cost: RequestCost = {
      microUsd: 1_235,
      parts: { input: 0.00012, cacheRead: 0.00008, cacheWrite: 0.0008, output: 0.000234, reasoning: 0.00005 },
    };
    const expected: MessageWithCost = {
      id: "msg_chatcmpl-abc123",
      type: "message",
      role: "assistant",
      model: "deepseek/deepseek-flash",
      content: [
        { type: "thinking", thinking: "The user wants weather and time.", signature: "" },
        { type: "text", text: "Let me check both.", citations: null },
        {
          type: "tool_use",
          id: "call_1",
          name: "get_weather",
          input: { city: "Zürich", units: ["c"] },
          caller: { type: "direct" },
        },
        { type: "tool_use", id: "call_2", name: "get_time", input: {}, caller: { type: "direct" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: 120,
        cache_creation_input_tokens: 64,
        cache_read_input_tokens: 800,
        output_tokens: 57,
        output_tokens_details: { thinking_tokens: 20 },
        cache_creation: null,
        inference_geo: null,
        server_tool_use: null,
        service_tier: null,
        speed: null,
        cost: 0.001235,
        cost_details: {
          input: 0.00012,
          cache_read: 0.00008,
          cache_write: 0.0008,
          output: 0.000234,
          reasoning: 0.00005,
        },
      },
    };
    expect(renderAnthropicMessage(body, usage, "deepseek/deepseek-flash", cost)).toEqual(expected);
  });

  it("maps every finish_reason to a stop_reason", () => {
    const stopOf = (
      finishReason: string | null,
      extra: Record<string, unknown> = {},
      message: Record<string, unknown> = { content: "ok" },
    ) => {
      const rendered = renderAnthropicMessage(completion(message, finishReason, extra), usage, "m", zeroCost);
      return [rendered.stop_reason, rendered.stop_sequence];
    };
    expect(stopOf("stop")).toEqual(["end_turn", null]);
    expect(stopOf("length")).toEqual(["max_tokens", null]);
    expect(stopOf("tool_calls")).toEqual(["tool_use", null]);
    expect(stopOf("content_filter")).toEqual(["refusal", null]);
    expect(stopOf(null)).toEqual(["end_turn", null]);
    // vLLM names the matched stop string in choice.stop_reason; a number there is a token id.
    expect(stopOf("stop", { stop_reason: "###" })).toEqual(["stop_sequence", "###"]);
    expect(stopOf("stop", { stop_reason: 128_001 })).toEqual(["end_turn", null]);
    expect(stopOf("stop", { matched_stop: "END" })).toEqual(["stop_sequence", "END"]);
    // Some upstreams finish a tool call with "stop".
    expect(
      stopOf(
        "stop",
        {},
        { content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      ),
    ).toEqual(["tool_use", null]);
  });

  it("never throws on odd upstream content", () => {
    const rendered = renderAnthropicMessage(
      completion(
        {
          content: null,
          reasoning_content: "",
          tool_calls: [
            { type: "function", function: { name: "f", arguments: "[1,2]" } },
            { id: "c2", function: { arguments: "not json" } },
            "junk",
          ],
        },
        "tool_calls",
      ),
      usage,
      "m",
      zeroCost,
    );
    expect(rendered.content).toHaveLength(2);
    expect(rendered.content[0]).toMatchObject({ type: "tool_use", name: "f", input: {} });
    expect(rendered.content[0]).toHaveProperty("id", expect.stringMatching(/^toolu_[0-9a-f]{32}$/));
    expect(rendered.content[1]).toMatchObject({ type: "tool_use", id: "c2", name: "", input: {} });
    expect(renderAnthropicMessage({ ...completion({}, "stop"), choices: [] }, usage, "m", zeroCost).content).toEqual(
      [],
    );
    expect(
      renderAnthropicMessage(
        completion({ content: null, refusal: "I can't help with that." }, "content_filter"),
        usage,
        "m",
        zeroCost,
      ).content,
    ).toEqual([{ type: "text", text: "I can't help with that.", citations: null }]);
    expect(
      renderAnthropicMessage(
        completion(
          {
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
          "stop",
        ),
        usage,
        "m",
        zeroCost,
      ).content,
    ).toEqual([{ type: "text", text: "ab", citations: null }]);
  });

  it("omits output_tokens_details without reasoning and does not double the msg_ prefix", () => {
    const rendered = renderAnthropicMessage(
      { ...completion({ content: "hi" }, "stop"), id: "msg_01ABC" },
      { ...usage, reasoning: 0 },
      "m",
      zeroCost,
    );
    expect(rendered.id).toBe("msg_01ABC");
    expect(rendered.usage.output_tokens_details).toBeNull();
  });

  it("is what anthropicSurface.renderJson returns, with the model from the body", () => {
    const body = completion({ content: "hi" }, "stop");
    expect(anthropicSurface.renderJson(body, usage, zeroCost)).toEqual(
      renderAnthropicMessage(body, usage, "deepseek/deepseek-flash", zeroCost),
    );
    expect(anthropicSurface.name).toBe("anthropic");
  });
});
