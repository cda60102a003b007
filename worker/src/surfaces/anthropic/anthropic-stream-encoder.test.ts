import { APIError } from "@anthropic-ai/sdk/core/error";
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { StreamEncoder } from "../types.ts";
import { anthropicSurface } from "./anthropic-surface.ts";
import { createAnthropicStreamEncoder } from "./anthropic-stream-encoder.ts";
import { zeroCost } from "../../lib/cost.ts";

const usage: NormalizedUsage = {
  inputUncached: 90,
  cacheRead: 1000,
  cacheWrite: 50,
  output: 42,
  reasoning: 12,
  source: "provider",
};

function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  choiceExtra: Record<string, unknown> = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-xyz",
    object: "chat.completion.chunk",
    created: 1,
    model: "deepseek/deepseek-flash",
    choices: [{ index: 0, delta, finish_reason: finishReason, ...choiceExtra }],
    usage: null,
  };
}
const usageChunk: ChatCompletionChunk = {
  id: "chatcmpl-xyz",
  object: "chat.completion.chunk",
  created: 1,
  model: "deepseek/deepseek-flash",
  choices: [],
  usage: { prompt_tokens: 1140, completion_tokens: 42, total_tokens: 1182 },
};
const toolFragment = (index: number, fields: { id?: string; name?: string; arguments?: string }) => ({
  tool_calls: [
    {
      index,
      ...(fields.id ? { id: fields.id, type: "function" } : {}),
      function: { ...(fields.name ? { name: fields.name } : {}), arguments: fields.arguments ?? "" },
    },
  ],
});

/**
 * A realistic internal stream: role, reasoning, text with multi-byte characters, two tool calls with split arguments.
 */
const REALISTIC: ChatCompletionChunk[] = [
  chunk({ role: "assistant", content: "" }),
  chunk({ reasoning_content: "Weather first, " }),
  chunk({ reasoning_content: "then the time in 東京 🗼." }),
  chunk({ content: "Héllo " }),
  chunk({ content: "wörld 🌏" }),
  chunk({ content: "! Checking…" }),
  chunk(toolFragment(0, { id: "call_weather", name: "get_weather" })),
  chunk(toolFragment(0, { arguments: '{"city": "Zü' })),
  chunk(toolFragment(0, { arguments: 'rich 🌧", "days": [1,' })),
  chunk(toolFragment(0, { arguments: " 2]}" })),
  chunk(toolFragment(1, { id: "call_time", name: "get_time", arguments: '{"tz":"Asia/' })),
  chunk(toolFragment(1, { arguments: 'Tokyo"}' })),
  chunk({}, "tool_calls"),
];

function encode(
  chunks: ChatCompletionChunk[],
  finish: (encoder: StreamEncoder) => Uint8Array[][] = (encoder) => [
    encoder.usage(usage, usageChunk, zeroCost),
    encoder.end(),
  ],
): Uint8Array {
  const encoder = anthropicSurface.createStreamEncoder({
    includeUsage: false,
    modelId: "deepseek/deepseek-flash",
    requestId: "req_1",
  });
  const parts = [...chunks.flatMap((item) => encoder.chunk(item)), ...finish(encoder).flat()];
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** The bytes as a response body, split at the given byte offsets (cuts can fall inside multi-byte characters). */
function responseOf(bytes: Uint8Array, cuts: number[] = []): Response {
  const points = [0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b), bytes.length];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 0; index < points.length - 1; index += 1)
        controller.enqueue(bytes.slice(points[index], points[index + 1]));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** The Anthropic SDK's own SSE parser and message accumulator: the oracle. */
async function finalMessageOf(bytes: Uint8Array, cuts: number[] = []): Promise<Message> {
  const events = Stream.fromSSEResponse<RawMessageStreamEvent>(responseOf(bytes, cuts), new AbortController());
  // The SDK types its own ReadableStream shim, which workers-types does not consider the global one.
  const jsonLines = events.toReadableStream() as unknown as ReadableStream<Uint8Array>;
  return MessageStream.fromReadableStream(jsonLines).finalMessage();
}

async function rawEventsOf(bytes: Uint8Array) {
  const events: Array<{ event: string | null; data: { type: string; index?: number } }> = [];
  for await (const event of Stream.rawEvents(responseOf(bytes)))
    events.push({ event: event.event, data: JSON.parse(event.data) });
  return events;
}

describe("createAnthropicStreamEncoder", () => {
  it("streams a message the Anthropic SDK accumulates into the right blocks, inputs, stop_reason and usage", async () => {
    const message = await finalMessageOf(encode(REALISTIC));
    expect(message).toMatchObject({
      id: "msg_chatcmpl-xyz",
      type: "message",
      role: "assistant",
      model: "deepseek/deepseek-flash",
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 90,
        cache_creation_input_tokens: 50,
        cache_read_input_tokens: 1000,
        output_tokens: 42,
        output_tokens_details: { thinking_tokens: 12 },
      },
    });
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Weather first, then the time in 東京 🗼.", signature: "" },
      { type: "text", text: "Héllo wörld 🌏! Checking…", citations: null },
      {
        type: "tool_use",
        id: "call_weather",
        name: "get_weather",
        input: { city: "Zürich 🌧", days: [1, 2] },
        caller: { type: "direct" },
      },
      { type: "tool_use", id: "call_time", name: "get_time", input: { tz: "Asia/Tokyo" }, caller: { type: "direct" } },
    ]);
  });

  it("parses identically when the bytes arrive split anywhere, including inside multi-byte characters", async () => {
    const bytes = encode(REALISTIC);
    const whole = await finalMessageOf(bytes);
    for (let cut = 1; cut < bytes.length; cut += 5) {
      expect(await finalMessageOf(bytes, [cut, cut + 1, cut + 2, cut + 97])).toEqual(whole);
    }
  });

  it("writes each event as `event: <type>` + one `data:` line, in Anthropic's order, with block indexes from 0", async () => {
    const bytes = encode(REALISTIC);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('event: message_start\ndata: {"type":"message_start",')).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(text).not.toContain("[DONE]");
    const events = await rawEventsOf(bytes);
    for (const event of events) expect(event.event).toBe(event.data.type);
    expect(events.map((event) => `${event.data.type}${event.data.index ?? ""}`)).toEqual([
      "message_start",
      "ping",
      "content_block_start0",
      "content_block_delta0",
      "content_block_delta0",
      "content_block_stop0",
      "content_block_start1",
      "content_block_delta1",
      "content_block_delta1",
      "content_block_delta1",
      "content_block_stop1",
      "content_block_start2",
      "content_block_delta2",
      "content_block_delta2",
      "content_block_delta2",
      "content_block_stop2",
      "content_block_start3",
      "content_block_delta3",
      "content_block_delta3",
      "content_block_stop3",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0]?.data as unknown as { message: Message };
    expect(start.message.content).toEqual([]);
    expect(start.message.stop_reason).toBeNull();
    expect(start.message.usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
    const delta = events.at(-2)?.data;
    expect(delta).toMatchObject({
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 90, cache_creation_input_tokens: 50, cache_read_input_tokens: 1000, output_tokens: 42 },
    });
  });

  it("opens a new block when text follows a tool call, and tells apart tool calls that share index 0 by id", async () => {
    const message = await finalMessageOf(
      encode([
        chunk(toolFragment(0, { id: "a", name: "one", arguments: "{}" })),
        chunk(toolFragment(0, { id: "b", name: "two", arguments: '{"x":1}' })),
        chunk({ content: "done" }),
        chunk({}, "stop"),
      ]),
    );
    expect(message.content.map((block) => block.type)).toEqual(["tool_use", "tool_use", "text"]);
    expect(message.content[1]).toMatchObject({ id: "b", name: "two", input: { x: 1 } });
    expect(message.stop_reason).toBe("tool_use");
  });

  it("maps the finish reason: stop, length, a named stop sequence", async () => {
    const stopOf = async (last: ChatCompletionChunk) => {
      const message = await finalMessageOf(encode([chunk({ content: "hi" }), last]));
      return [message.stop_reason, message.stop_sequence];
    };
    expect(await stopOf(chunk({}, "stop"))).toEqual(["end_turn", null]);
    expect(await stopOf(chunk({}, "length"))).toEqual(["max_tokens", null]);
    expect(await stopOf(chunk({}, "content_filter"))).toEqual(["refusal", null]);
    expect(await stopOf(chunk({}, "stop", { stop_reason: "###" }))).toEqual(["stop_sequence", "###"]);
  });

  it("still produces a valid message when nothing arrived and no usage was reported", async () => {
    const message = await finalMessageOf(encode([], (encoder) => [encoder.end()]));
    expect(message).toMatchObject({
      content: [],
      stop_reason: "end_turn",
      usage: { input_tokens: 0, output_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_/);
  });

  it("puts the billed cost (USD, exact from the micro-USD) and its parts in message_delta.usage, the final event", () => {
    const cost = {
      microUsd: 4_321,
      parts: { input: 0.00027, cacheRead: 0.0003, cacheWrite: 0.0001875, output: 0.0035, reasoning: 0.001 },
    };
    const text = new TextDecoder().decode(
      encode([chunk({ content: "hi" }), chunk({}, "stop")], (encoder) => [
        encoder.usage(usage, usageChunk, cost),
        encoder.end(),
      ]),
    );
    const events = text
      .trim()
      .split("\n\n")
      .map((event) => JSON.parse(event.split("\ndata: ")[1] ?? "{}") as Record<string, unknown>);
    expect(events.at(-1)).toEqual({ type: "message_stop" });
    expect(events.at(-2)).toMatchObject({
      type: "message_delta",
      usage: {
        output_tokens: 42,
        cost: 0.004321,
        cost_details: { input: 0.00027, cache_read: 0.0003, cache_write: 0.0001875, output: 0.0035, reasoning: 0.001 },
      },
    });
    // Before any usage report there is nothing billed to show: no cost fields rather than a made-up zero.
    const unreported = new TextDecoder().decode(encode([chunk({}, "stop")], (encoder) => [encoder.end()]));
    expect(unreported).not.toContain('"cost"');
  });

  it("ignores usage riding on content chunks and emits nothing for usage() itself", () => {
    const encoder = createAnthropicStreamEncoder({ modelId: "m" });
    expect(encoder.usage(usage, usageChunk, zeroCost)).toEqual([]);
    expect(encoder.chunk({ ...chunk({ content: "x" }), usage: usageChunk.usage })).toHaveLength(4);
  });

  it("sends an Anthropic error event that the SDK raises as an APIError of the right type, then nothing more", async () => {
    const encoder = createAnthropicStreamEncoder({ modelId: "m" });
    const parts = [
      ...encoder.chunk(chunk({ content: "partial" })),
      ...encoder.error(new GatewayError("upstream_rate_limited", "The upstream provider is rate limiting.")),
    ];
    const last = new TextDecoder().decode(parts.at(-1));
    expect(last).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"The upstream provider is rate limiting."}}\n\n',
    );
    expect(encoder.end()).toEqual([]);
    expect(encoder.chunk(chunk({ content: "late" }))).toEqual([]);

    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    const seen: string[] = [];
    const failure = await (async () => {
      try {
        for await (const event of Stream.fromSSEResponse<RawMessageStreamEvent>(
          responseOf(bytes),
          new AbortController(),
        ))
          seen.push(event.type);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(seen).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ type: "rate_limit_error", apiMessage: "The upstream provider is rate limiting." });
  });

  it("maps the error status to the Anthropic error type in the event", () => {
    const typeOf = (error: GatewayError) => {
      const text = new TextDecoder().decode(createAnthropicStreamEncoder({ modelId: "m" }).error(error)[0]);
      return (JSON.parse(text.split("data: ")[1] ?? "") as { error: { type: string } }).error.type;
    };
    expect(typeOf(new GatewayError("upstream_unavailable", "down"))).toBe("overloaded_error");
    expect(typeOf(new GatewayError("upstream_error", "bad"))).toBe("api_error");
    expect(typeOf(new GatewayError("upstream_timeout", "slow"))).toBe("timeout_error");
    expect(typeOf(new GatewayError("upstream_error", "bad", { status: 500 }))).toBe("api_error");
  });
});
