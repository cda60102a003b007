import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { RequestCost } from "../../lib/cost.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { StreamEncoder } from "../types.ts";
import { decodeReasoningCarrier } from "./reasoning-carrier.ts";
import { responsesContext } from "./responses-context.fixture.ts";
import { createResponsesStreamEncoder } from "./responses-stream-encoder.ts";

type Json = Record<string, unknown>;

const USAGE: NormalizedUsage = {
  inputUncached: 7,
  cacheRead: 3,
  cacheWrite: 0,
  output: 9,
  reasoning: 4,
  source: "provider",
};
const COST: RequestCost = {
  microUsd: 42,
  parts: { input: 0.000007, cacheRead: 0.0000003, cacheWrite: 0, output: 0.0000346, reasoning: 0.00001 },
};

function chunk(delta: Json, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** Runs chunks through the encoder (usage and end, or a failure) and returns the SSE text. */
function encode(
  encoder: StreamEncoder,
  deltas: Array<[Json, string | null] | Json>,
  ending: "end" | GatewayError = "end",
) {
  const decoder = new TextDecoder();
  const parts: Uint8Array[] = [];
  for (const delta of deltas) {
    const [body, finish] = Array.isArray(delta) ? delta : [delta, null];
    parts.push(...encoder.chunk(chunk(body, finish)));
  }
  if (ending === "end") {
    parts.push(...encoder.usage(USAGE, chunk({}), COST));
    parts.push(...encoder.end());
  } else {
    parts.push(...encoder.error(ending));
  }
  return parts.map((part) => decoder.decode(part)).join("");
}

function events(text: string): Array<{ event: string; data: Json }> {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split("\n");
      expect(rest).toEqual([]);
      return {
        event: eventLine?.replace(/^event: /, "") ?? "",
        data: JSON.parse(dataLine?.replace(/^data: /, "") ?? "") as Json,
      };
    });
}

/** The official SDK's `responses.stream().finalResponse()` over these bytes: the client-side oracle. */
async function sdkFinalResponse(text: string) {
  const client = new OpenAI({
    apiKey: "test",
    baseURL: "http://sdk.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(text, { headers: { "content-type": "text/event-stream" } }),
  });
  return client.responses.stream({ model: "m", input: "hi" }).finalResponse();
}

describe("createResponsesStreamEncoder", () => {
  it("streams a text answer in the documented order, numbered from 0, with the cost on response.completed", async () => {
    const text = encode(createResponsesStreamEncoder(responsesContext()), [
      { role: "assistant", content: "" },
      { content: "Hel" },
      [{ content: "lo" }, "stop"],
    ]);
    const list = events(text);
    expect(list.map((item) => item.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list.map((item) => item.data.sequence_number)).toEqual(list.map((_item, index) => index));
    expect(list.every((item) => item.data.type === item.event)).toBe(true);
    expect(list[4]?.data).toMatchObject({
      item_id: "msg_abc_0",
      output_index: 0,
      content_index: 0,
      delta: "Hel",
      logprobs: [],
    });
    const completed = list.at(-1)?.data.response as Json;
    expect(completed).toMatchObject({ id: "resp_abc", status: "completed" });
    expect(completed.usage).toMatchObject({ input_tokens: 10, output_tokens: 9, total_tokens: 19, cost: 0.000042 });
    expect((list[0]?.data.response as Json).id).toBe("resp_abc");

    const response = await sdkFinalResponse(text);
    expect(response.output_text).toBe("Hello");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(4);
  });

  it("streams reasoning (text and summary) then parallel tool calls, each its own item", async () => {
    const context = responsesContext({ reasoning: { summary: "auto" }, tools: [{ type: "function", name: "ls" }] });
    const text = encode(createResponsesStreamEncoder(context), [
      { reasoning_content: "Plan: " },
      { reasoning_content: "list." },
      { reasoning_signature: "sig" },
      { tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "ls", arguments: "" } }] },
      { tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "ls", arguments: '{"p":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"p":"a"}' } }] },
      [{ tool_calls: [{ index: 1, function: { arguments: '"b"}' } }] }, "tool_calls"],
    ]);
    const list = events(text);
    expect(list.map((item) => item.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const reasoningDone = list[13]?.data.item as Json;
    expect(decodeReasoningCarrier(reasoningDone.encrypted_content)).toMatchObject({
      text: "Plan: list.",
      signature: "sig",
    });

    const response = await sdkFinalResponse(text);
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "function_call", "function_call"]);
    expect(response.output[1]).toMatchObject({ id: "fc_abc_1", call_id: "call_a", arguments: '{"p":"a"}' });
    expect(response.output[2]).toMatchObject({ id: "fc_abc_2", call_id: "call_b", arguments: '{"p":"b"}' });
    const reasoning = response.output[0];
    expect(reasoning?.type === "reasoning" && reasoning.summary[0]?.text).toBe("Plan: list.");
    expect(reasoning?.type === "reasoning" && reasoning.content?.[0]?.text).toBe("Plan: list.");
  });

  it("a new id at the same tool index starts a new call; a custom tool's call comes back as custom_tool_call", async () => {
    const context = responsesContext({
      tools: [
        { type: "function", name: "ls" },
        { type: "custom", name: "apply_patch" },
      ],
    });
    const text = encode(createResponsesStreamEncoder(context), [
      { content: "Working." },
      { tool_calls: [{ index: 0, id: "call_1", function: { name: "ls", arguments: "{}" } }] },
      { tool_calls: [{ index: 0, id: "call_2", function: { name: "apply_patch", arguments: '{"input":"*** Begin' } }] },
      [{ tool_calls: [{ index: 0, function: { arguments: ' Patch"}' } }] }, "tool_calls"],
    ]);
    const list = events(text);
    expect(list.filter((item) => item.event === "response.custom_tool_call_input.done")[0]?.data).toMatchObject({
      item_id: "ctc_abc_2",
      input: "*** Begin Patch",
    });
    const response = await sdkFinalResponse(text);
    expect(response.output.map((item) => item.type)).toEqual(["message", "function_call", "custom_tool_call"]);
    expect(response.output[2]).toMatchObject({ call_id: "call_2", name: "apply_patch", input: "*** Begin Patch" });
    expect(response.output_text).toBe("Working.");
  });

  it("sends Gemini thought signatures in a trailing reasoning item", async () => {
    const owner = { provider: "gemini", model: "gemini/gemini-3.8-flash" };
    const text = encode(createResponsesStreamEncoder(responsesContext({}, owner)), [
      [
        {
          tool_calls: [
            {
              index: 0,
              id: "c1",
              function: { name: "f", arguments: "{}" },
              extra_content: { google: { thought_signature: "t1" } },
            },
          ],
        },
        "tool_calls",
      ],
    ]);
    const response = await sdkFinalResponse(text);
    expect(response.output.map((item) => item.type)).toEqual(["function_call", "reasoning"]);
    const reasoning = response.output[1];
    const carrier = decodeReasoningCarrier(reasoning?.type === "reasoning" ? reasoning.encrypted_content : null);
    expect(carrier).toMatchObject({ provider: "gemini", model: owner.model, text: "", tool_signatures: { c1: "t1" } });
  });

  it("ends with response.incomplete on length", async () => {
    const text = encode(createResponsesStreamEncoder(responsesContext({ max_output_tokens: 5 })), [
      [{ content: "Hi" }, "length"],
    ]);
    expect(events(text).at(-1)).toMatchObject({
      event: "response.incomplete",
      data: { response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } },
    });
    const response = await sdkFinalResponse(text);
    expect(response.status).toBe("incomplete");
    expect(response.output_text).toBe("Hi");
  });

  it("fails after the first byte with an error event, then response.failed; the SDK throws", async () => {
    const error = new GatewayError("upstream_rate_limited", "The provider is rate limiting; retry in 2 s.");
    const text = encode(createResponsesStreamEncoder(responsesContext()), [{ content: "Hi" }], error);
    const list = events(text);
    expect(list.slice(-2)).toEqual([
      {
        event: "error",
        data: { type: "error", sequence_number: 5, code: "rate_limit_exceeded", message: error.message, param: null },
      },
      {
        event: "response.failed",
        data: expect.objectContaining({
          sequence_number: 6,
          response: expect.objectContaining({
            id: "resp_abc",
            status: "failed",
            error: { code: "rate_limit_exceeded", message: error.message },
          }),
        }),
      },
    ]);
    await expect(sdkFinalResponse(text)).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("starts the response even when the stream fails or ends before any chunk, and never sends after the end", () => {
    const encoder = createResponsesStreamEncoder(responsesContext());
    const list = events(
      encode(encoder, [], new GatewayError("upstream_error", "The upstream stream ended unexpectedly.")),
    );
    expect(list.map((item) => item.event)).toEqual([
      "response.created",
      "response.in_progress",
      "error",
      "response.failed",
    ]);
    expect(encoder.chunk(chunk({ content: "late" }))).toEqual([]);
    expect(encoder.end()).toEqual([]);
  });
});
