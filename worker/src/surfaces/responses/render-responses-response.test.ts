import { describe, expect, it } from "vitest";
import type { RequestCost } from "../../lib/cost.ts";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { decodeReasoningCarrier } from "./reasoning-carrier.ts";
import { renderResponsesResponse } from "./render-responses-response.ts";
import { responsesContext, TEST_OWNER as OWNER } from "./responses-context.fixture.ts";

const USAGE: NormalizedUsage = {
  inputUncached: 10,
  cacheRead: 80,
  cacheWrite: 5,
  output: 30,
  reasoning: 12,
  source: "provider",
};
const COST: RequestCost = {
  microUsd: 123,
  parts: { input: 0.00001, cacheRead: 0.000008, cacheWrite: 0.0000062, output: 0.0000986, reasoning: 0.00004 },
};

function completion(message: Record<string, unknown>, finishReason: string | null = "stop"): ChatCompletion {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: OWNER.model,
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }],
  };
}

describe("renderResponsesResponse", () => {
  it("renders a text answer with the echoed request values, usage counted once and the cost", () => {
    const context = responsesContext({ instructions: "Be brief.", metadata: { a: "b" }, temperature: 0.5 });
    const response = renderResponsesResponse(completion({ content: "Hello" }), USAGE, COST, context);
    expect(response).toMatchObject({
      id: "resp_abc",
      object: "response",
      created_at: 1_796_500_000,
      status: "completed",
      error: null,
      incomplete_details: null,
      model: OWNER.model,
      instructions: "Be brief.",
      metadata: { a: "b" },
      temperature: 0.5,
      store: false,
      output: [
        {
          id: "msg_abc_0",
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Hello", annotations: [], logprobs: [] }],
        },
      ],
    });
    expect(response.usage).toEqual({
      input_tokens: 95,
      input_tokens_details: { cached_tokens: 80, cache_write_tokens: 5 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 125,
      cost: 0.000123,
      cost_details: {
        input: 0.00001,
        cache_read: 0.000008,
        cache_write: 0.0000062,
        output: 0.0000986,
        reasoning: 0.00004,
      },
    });
  });

  it("puts reasoning first with its carrier, then text, then calls (custom and namespaced mapped back)", () => {
    const context = responsesContext({
      reasoning: { summary: "auto" },
      tools: [
        { type: "custom", name: "apply_patch" },
        { type: "namespace", name: "agents", tools: [{ type: "function", name: "spawn" }] },
      ],
    });
    const body = completion(
      {
        content: "Patching.",
        reasoning_content: "Think first.",
        reasoning_signature: "sig-1",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "apply_patch", arguments: '{"input":"*** Begin"}' } },
          { id: "toolu_2", type: "function", function: { name: "agents__spawn", arguments: "{}" } },
        ],
      },
      "tool_calls",
    );
    const { output } = renderResponsesResponse(body, USAGE, COST, context) as {
      output: Array<Record<string, unknown>>;
    };
    expect(output.map((item) => [item.type, item.id])).toEqual([
      ["reasoning", "rs_abc_0"],
      ["message", "msg_abc_1"],
      ["custom_tool_call", "ctc_abc_2"],
      ["function_call", "fc_abc_3"],
    ]);
    expect(output[0]).toMatchObject({
      summary: [{ type: "summary_text", text: "Think first." }],
      content: [{ type: "reasoning_text", text: "Think first." }],
    });
    expect(decodeReasoningCarrier(output[0]?.encrypted_content)).toEqual({
      v: 1,
      provider: "anthropic",
      model: OWNER.model,
      text: "Think first.",
      signature: "sig-1",
    });
    expect(output[2]).toMatchObject({
      call_id: "toolu_1",
      name: "apply_patch",
      input: "*** Begin",
      status: "completed",
    });
    expect(output[3]).toMatchObject({ call_id: "toolu_2", name: "spawn", namespace: "agents", arguments: "{}" });
  });

  it("carries Gemini thought signatures in a reasoning item even without reasoning text", () => {
    const body = completion({
      content: null,
      tool_calls: [
        {
          id: "call_1",
          type: "function",
          function: { name: "f", arguments: "{}" },
          extra_content: { google: { thought_signature: "ts-1" } },
        },
      ],
    });
    const owner = { provider: "gemini", model: "gemini/gemini-3.8-flash" };
    const { output } = renderResponsesResponse(body, USAGE, COST, responsesContext({}, owner)) as {
      output: Array<Record<string, unknown>>;
    };
    expect(output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    expect(output[0]).toMatchObject({ summary: [] });
    expect(output[0]).not.toHaveProperty("content");
    expect(decodeReasoningCarrier(output[0]?.encrypted_content)?.tool_signatures).toEqual({ call_1: "ts-1" });
  });

  it("is incomplete on length and on a content filter", () => {
    const context = responsesContext({ max_output_tokens: 10 });
    expect(renderResponsesResponse(completion({ content: "Hel" }, "length"), USAGE, COST, context)).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      max_output_tokens: 10,
    });
    expect(renderResponsesResponse(completion({ content: "" }, "content_filter"), USAGE, COST, context)).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "content_filter" },
      output: [],
    });
  });
});
