import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { convertFromGeminiResponse } from "./convert-from-gemini-response.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";

const MODEL = "gemini/gemini-3.8-flash";
const USAGE = {
  promptTokenCount: 100,
  cachedContentTokenCount: 40,
  candidatesTokenCount: 20,
  thoughtsTokenCount: 30,
  totalTokenCount: 150,
};

const response = (parts: unknown[], finishReason = "STOP", extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
  usageMetadata: USAGE,
  modelVersion: "gemini-3.8-flash",
  responseId: "resp-1",
  ...extra,
});

describe("convertFromGeminiResponse", () => {
  it("turns text parts into content and thought parts into reasoning_content, with both usages", () => {
    const { body, usage } = convertFromGeminiResponse(
      response([
        { text: "Let me think.", thought: true },
        { text: "Héllo " },
        { text: "wörld 🌏" },
        { text: "", thoughtSignature: "c2ln" },
      ]),
      MODEL,
    );
    expect(body).toMatchObject({ id: "resp-1", object: "chat.completion", model: MODEL });
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: "Héllo wörld 🌏", reasoning_content: "Let me think.", refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ]);
    expect(body.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    expect(usage).toEqual({
      inputUncached: 60,
      cacheRead: 40,
      cacheWrite: 0,
      output: 50,
      reasoning: 30,
      source: "provider",
    });
  });

  it("turns function calls into tool_calls with deterministic ids, full arguments and the thought signature", () => {
    const { body } = convertFromGeminiResponse(
      response([
        { functionCall: { name: "get_weather", args: { city: "Dhaka", note: "café 🙂" } }, thoughtSignature: "c2ln" },
        { functionCall: { name: "get_time" } },
      ]),
      MODEL,
    );
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(body.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: [
        {
          id: "call_resp-1_0",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Dhaka","note":"café 🙂"}' },
          extra_content: { google: { thought_signature: "c2ln" } },
        },
        { id: "call_resp-1_1", type: "function", function: { name: "get_time", arguments: "{}" } },
      ],
    });
  });

  it("answers a prompt blocked before any candidate with empty content and finish_reason content_filter", () => {
    const { body, usage } = convertFromGeminiResponse(
      {
        promptFeedback: { blockReason: "SAFETY", safetyRatings: [] },
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
        responseId: "r",
      },
      MODEL,
    );
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: "", refusal: null },
        finish_reason: "content_filter",
        logprobs: null,
      },
    ]);
    expect(usage).toEqual({
      inputUncached: 12,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
      source: "provider",
    });
  });

  it("synthesises an id and reports no usage when Gemini gave none", () => {
    const { body, usage } = convertFromGeminiResponse(
      { candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "MAX_TOKENS" }] },
      MODEL,
    );
    expect(body.id).toMatch(/^chatcmpl-gemini-/);
    expect(body.choices[0]?.finish_reason).toBe("length");
    expect(body).not.toHaveProperty("usage");
    expect(usage).toBeNull();
  });

  it("refuses a body that is not a JSON object", () => {
    expect(() => convertFromGeminiResponse(null, MODEL)).toThrow(GatewayError);
    expect(() => convertFromGeminiResponse([], MODEL)).toThrow(/unreadable/);
  });
});

describe("mapGeminiFinishReason", () => {
  it.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    ["MAX_TOKENS", false, "length"],
    ["MAX_TOKENS", true, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", true, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "stop"],
    ["OTHER", false, "stop"],
    [undefined, false, "stop"],
  ])("maps %s (tool calls: %s) to %s", (reason, hasToolCalls, expected) => {
    expect(mapGeminiFinishReason(reason, hasToolCalls)).toBe(expected);
  });
});
