import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import { PROVIDERS } from "../../providers/index.ts";
import type { ChatContext, StreamTranslator } from "../../providers/types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { createTranslatedStreamBody } from "../../testing/stream-pipeline.ts";
import { anthropicSurface } from "../../surfaces/anthropic/anthropic-surface.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import type { Surface } from "../../surfaces/types.ts";
import {
  createStreamRecorder,
  jsonEntry,
  parseEntry,
  replayJson,
  replayStream,
  serializeEntry,
  type CacheEntry,
} from "./cache-entry.ts";
import { toCompletion } from "./completion-chunks.ts";
import { decryptEntry, encryptEntry } from "./entry-crypto.ts";
import { usageCostFields, zeroCost, type RequestCost } from "../../lib/cost.ts";

const MODEL_ID = "deepseek/deepseek-flash";
/** What the live streams and their replays are billed here (so the replayed bytes can equal the live ones). */
const HIT_COST: RequestCost = { microUsd: 12, parts: { ...zeroCost.parts, cacheRead: 0.0000115 } };
const HIT_FIELDS = usageCostFields(HIT_COST);
/** The message without the cost fields of its usage, which the Anthropic SDK's accumulator does not keep. */
const withoutCost = (message: unknown): unknown => {
  const { usage, ...rest } = message as { usage: Record<string, unknown> };
  const { cost: _cost, cost_details: _details, ...tokens } = usage;
  return { ...rest, usage: tokens };
};
const API_KEY = `sk-omni-${"Q".repeat(40)}`;
const CACHE_KEY = `omz:pc:${"ab".repeat(32)}`;

const sse = (events: Array<{ event?: string; data: unknown }>) =>
  events
    .map(
      ({ event, data }) =>
        `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`,
    )
    .join("");

const openaiChunk = (
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
) => ({
  id: "chatcmpl-up1",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "deepseek-chat",
  system_fingerprint: "fp_x",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason, ...extra }],
});
const UPSTREAM_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_cache_hit_tokens: 1000,
  prompt_cache_miss_tokens: 200,
  completion_tokens_details: { reasoning_tokens: 30 },
};

/** A DeepSeek stream: reasoning, multi-byte text, two tool calls with split arguments, the usage chunk, [DONE]. */
const DEEPSEEK_STREAM = sse([
  { data: openaiChunk({ role: "assistant", content: "" }) },
  { data: openaiChunk({ reasoning_content: "Zürich first, then 東京." }) },
  { data: openaiChunk({ content: "Héllo 🌏, " }) },
  { data: openaiChunk({ content: "checking…" }) },
  {
    data: openaiChunk({
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }],
    }),
  },
  { data: openaiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Zü' } }] }) },
  { data: openaiChunk({ tool_calls: [{ index: 0, function: { arguments: 'rich 🌧"}' } }] }) },
  {
    data: openaiChunk({
      tool_calls: [
        { index: 1, id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Asia/Tokyo"}' } },
      ],
    }),
  },
  { data: openaiChunk({}, "tool_calls") },
  { data: { ...openaiChunk({}), choices: [], usage: UPSTREAM_USAGE } },
  { data: "[DONE]" },
]);

/** A Kimi stream: the usage rides on the finish chunk and comes again in its own chunk. */
const MOONSHOT_STREAM = sse([
  { data: openaiChunk({ role: "assistant", content: "" }) },
  { data: openaiChunk({ content: "Hello from Kimi ✨" }) },
  {
    data: openaiChunk({}, "stop", {
      usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, cached_tokens: 8 },
    }),
  },
  {
    data: {
      ...openaiChunk({}),
      choices: [],
      usage: { prompt_tokens: 20, completion_tokens: 6, total_tokens: 26, cached_tokens: 8 },
    },
  },
  { data: "[DONE]" },
]);

/** An Anthropic stream: thinking with a signature, text, a tool_use block with split input, the usage at the end. */
const ANTHROPIC_STREAM = sse([
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_01abc",
        type: "message",
        role: "assistant",
        model: "claude-x",
        content: [],
        usage: { input_tokens: 300, cache_read_input_tokens: 1000, cache_creation_input_tokens: 20, output_tokens: 1 },
      },
    },
  },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me think… 🤔" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "c2lnbmF0dXJl" } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Grüß Gott! " } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
  {
    event: "content_block_start",
    data: {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "toolu_01", name: "get_weather", input: {} },
    },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"city": "Wi' } },
  },
  {
    event: "content_block_delta",
    data: { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: 'en"}' } },
  },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 2 } },
  {
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 64 },
    },
  },
  { event: "message_stop", data: { type: "message_stop" } },
]);

const UPSTREAMS = [
  { name: "deepseek (OpenAI dialect)", provider: "deepseek", stream: DEEPSEEK_STREAM },
  { name: "moonshot (usage twice)", provider: "moonshot", stream: MOONSHOT_STREAM },
  { name: "anthropic (native Messages)", provider: "anthropic", stream: ANTHROPIC_STREAM },
] as const;

const SURFACES: Array<{ name: string; surface: Surface; includeUsage: boolean }> = [
  { name: "openai with include_usage", surface: openaiSurface, includeUsage: true },
  { name: "openai without include_usage", surface: openaiSurface, includeUsage: false },
  { name: "anthropic", surface: anthropicSurface, includeUsage: false },
];

function chatContext(): ChatContext {
  return {
    request: { model: MODEL_ID, messages: [{ role: "user", content: "hi" }], stream: true },
    modelId: MODEL_ID,
    upstreamModel: "upstream-model",
    target: { baseUrl: "http://127.0.0.1:1", apiKey: "upstream-key" },
  };
}

function bodyOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      // Cut into 7-byte pieces: through SSE lines and multi-byte characters, as the network may.
      for (let offset = 0; offset < bytes.length; offset += 7) controller.enqueue(bytes.slice(offset, offset + 7));
      controller.close();
    },
  });
}

const concat = (parts: Uint8Array[]) => new TextDecoder().decode(new Uint8Array(parts.flatMap((part) => [...part])));

/** The live pipeline (decode -> translator -> encoder), with the recorder tapped on the translator's output. */
async function liveStream(upstream: (typeof UPSTREAMS)[number], surface: Surface, includeUsage: boolean) {
  const recorder = createStreamRecorder(1 << 20);
  const translator = PROVIDERS[upstream.provider].createStreamTranslator(chatContext());
  const tapped: StreamTranslator = {
    translate(event) {
      const parts = translator.translate(event);
      for (const part of parts) {
        if (part.type === "chunk-emit") recorder.add(part.chunk);
        else if (part.type === "usage-final") recorder.setUsage(part.usage, part.chunk);
      }
      return parts;
    },
  };
  let settledUsage: NormalizedUsage | null = null;
  const body = createTranslatedStreamBody({
    upstreamBody: bodyOf(upstream.stream),
    translator: tapped,
    encoder: surface.createStreamEncoder({ includeUsage, modelId: MODEL_ID, requestId: "req_live" }),
    abortUpstream: () => undefined,
    costOf: () => HIT_COST,
    onEnd: (outcome) => (settledUsage = outcome.usage),
  });
  const text = await new Response(body).text();
  return { text, entry: recorder.finish(), settledUsage };
}

/** The entry as it comes back from Redis: serialized, encrypted, decrypted, parsed. */
async function stored(entry: CacheEntry): Promise<CacheEntry> {
  const sealed = await encryptEntry(serializeEntry(entry), API_KEY, CACHE_KEY);
  const bytes = await decryptEntry(sealed, API_KEY, CACHE_KEY);
  const parsed = bytes ? parseEntry(bytes) : null;
  if (!parsed) throw new Error("the stored entry did not come back");
  return parsed;
}

const replayText = (entry: CacheEntry, surface: Surface, includeUsage: boolean) =>
  concat(
    replayStream(
      entry,
      surface.createStreamEncoder({ includeUsage, modelId: MODEL_ID, requestId: "req_replay" }),
      HIT_COST,
    ),
  );

/** The Anthropic SDK's own SSE parser and message accumulator. */
async function anthropicFinalMessage(text: string): Promise<Message> {
  const response = new Response(text, { headers: { "content-type": "text/event-stream" } });
  const events = Stream.fromSSEResponse<RawMessageStreamEvent>(response, new AbortController());
  const message = await MessageStream.fromReadableStream(
    events.toReadableStream() as unknown as ReadableStream<Uint8Array>,
  ).finalMessage();
  // The SDK adds its own structured-output field to the messages it assembles.
  const { parsed_output: _parsedOutput, ...withoutParsedOutput } = message as Message & { parsed_output?: unknown };
  return withoutParsedOutput;
}

/** OpenAI SSE `data:` payloads back to chunks (the usage chunk included), without [DONE]. */
function openaiChunksOf(text: string): ChatCompletionChunk[] {
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice(6)) as ChatCompletionChunk);
}

describe("replayStream gives the bytes the live stream gave", () => {
  for (const upstream of UPSTREAMS) {
    for (const { name, surface, includeUsage } of SURFACES) {
      it(`${upstream.name} through ${name}`, async () => {
        const live = await liveStream(upstream, surface, includeUsage);
        expect(live.entry).not.toBeNull();
        const entry = await stored(live.entry!);
        expect(entry.usage).toEqual(live.settledUsage);
        expect(replayText(entry, surface, includeUsage)).toBe(live.text);
      });
    }
  }
});

describe("a stream entry replayed as JSON", () => {
  it("is, for OpenAI clients, the accumulated completion with the usage chunk's usage", async () => {
    const live = await liveStream(UPSTREAMS[0], openaiSurface, true);
    const entry = await stored(live.entry!);
    const body = replayJson(entry, openaiSurface, HIT_COST, MODEL_ID) as ChatCompletion;
    expect(body).toEqual(toCompletion(openaiChunksOf(live.text)));
    expect(body.choices[0]?.message?.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Zürich 🌧"}' } },
      { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Asia/Tokyo"}' } },
    ]);
    expect(body.usage).toEqual({ ...UPSTREAM_USAGE, ...HIT_FIELDS });
    expect(body.system_fingerprint).toBe("fp_x");
  });

  it("is, for Anthropic clients, the message the Anthropic SDK assembles from the live stream", async () => {
    for (const upstream of UPSTREAMS) {
      const live = await liveStream(upstream, anthropicSurface, false);
      const entry = await stored(live.entry!);
      const fromLiveStream = await anthropicFinalMessage(live.text);
      expect(withoutCost(replayJson(entry, anthropicSurface, HIT_COST, MODEL_ID))).toEqual(fromLiveStream);
    }
  });
});

describe("a json entry replayed as a stream", () => {
  const body: ChatCompletion = {
    id: "chatcmpl-json1",
    object: "chat.completion",
    created: 1_700_000_123,
    model: MODEL_ID,
    system_fingerprint: "fp_y",
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        logprobs: null,
        message: {
          role: "assistant",
          content: "Looking it up — 一瞬.",
          reasoning_content: "Need the weather tool.",
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Zürich","days":[1,2]}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 10 } },
  };
  const usage: NormalizedUsage = {
    inputUncached: 40,
    cacheRead: 10,
    cacheWrite: 0,
    output: 20,
    reasoning: 5,
    source: "provider",
  };

  it("streams, for OpenAI clients, chunks that accumulate back to the same completion, with the usage chunk", async () => {
    const entry = await stored(jsonEntry(body, usage));
    const text = replayText(entry, openaiSurface, true);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const chunks = openaiChunksOf(text);
    expect(chunks.at(-1)).toEqual({
      id: body.id,
      object: "chat.completion.chunk",
      created: body.created,
      model: MODEL_ID,
      choices: [],
      usage: { ...body.usage, ...HIT_FIELDS },
    });
    expect(toCompletion(chunks)).toEqual({ ...body, usage: { ...body.usage, ...HIT_FIELDS } });
    // Without include_usage the content chunks carry no usage; the usage chunk with the cost still ends the stream.
    const withoutAsking = openaiChunksOf(replayText(entry, openaiSurface, false));
    expect(withoutAsking.slice(0, -1).every((item) => item.usage === undefined && item.choices.length > 0)).toBe(true);
    expect(withoutAsking.at(-1)).toMatchObject({ choices: [], usage: { cost: 0.000012 } });
  });

  it("streams, for Anthropic clients, the same message as the JSON answer", async () => {
    const entry = await stored(jsonEntry(body, usage));
    const text = replayText(entry, anthropicSurface, false);
    const fromStream = await anthropicFinalMessage(text);
    expect(fromStream).toEqual(withoutCost(replayJson(entry, anthropicSurface, HIT_COST)));
    expect(text).toContain(`"cost":0.000012,"cost_details":${JSON.stringify(HIT_FIELDS.cost_details)}`);
    expect(fromStream.content).toEqual([
      { type: "thinking", thinking: "Need the weather tool.", signature: "" },
      { type: "text", text: "Looking it up — 一瞬.", citations: null },
      {
        type: "tool_use",
        id: "call_a",
        name: "get_weather",
        input: { city: "Zürich", days: [1, 2] },
        caller: { type: "direct" },
      },
      { type: "tool_use", id: "call_b", name: "get_time", input: {}, caller: { type: "direct" } },
    ]);
  });

  it("makes the usage chunk from the normalised usage when the answer has none", async () => {
    const { usage: _omitted, ...withoutUsage } = body;
    const entry = await stored(jsonEntry(withoutUsage as ChatCompletion, usage));
    const last = openaiChunksOf(replayText(entry, openaiSurface, true)).at(-1);
    expect(last?.usage).toEqual({
      prompt_tokens: 50,
      completion_tokens: 20,
      total_tokens: 70,
      prompt_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 5 },
      ...HIT_FIELDS,
    });
  });

  it("replays as JSON exactly as the surface renders the stored answer", async () => {
    const entry = await stored(jsonEntry(body, usage));
    expect(replayJson(entry, openaiSurface, HIT_COST)).toEqual({ ...body, usage: { ...body.usage, ...HIT_FIELDS } });
    expect(replayJson(entry, anthropicSurface, HIT_COST)).toEqual(anthropicSurface.renderJson(body, usage, HIT_COST));
  });
});
