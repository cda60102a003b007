import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { createTranslatedStreamBody, type StreamOutcome } from "../../testing/stream-pipeline.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import type { ChatContext } from "../types.ts";
import { createAnthropicAdapter } from "./anthropic-adapter.ts";
import { bodySplitAt } from "../../testing/split-stream.ts";
import { zeroCost } from "../../lib/cost.ts";

const adapter = createAnthropicAdapter();
const context: ChatContext = {
  request: {
    model: "anthropic/claude-test",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  } as ChatCompletionRequest,
  modelId: "anthropic/claude-test",
  upstreamModel: "claude-test-1",
  target: { baseUrl: "https://upstream.invalid", apiKey: "k" },
};

const sse = (type: string, payload: Record<string, unknown> = {}) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
const delta = (index: number, body: Record<string, unknown>) => sse("content_block_delta", { index, delta: body });
const TOOL_ARGUMENTS = '{"city":"Dhaka","note":"café 🙂"}';

/** Recorded-shape Anthropic stream: thinking (with signature), text, a tool call streamed in pieces, a server tool. */
const UPSTREAM = [
  sse("message_start", {
    message: {
      id: "msg_01XYZ",
      type: "message",
      role: "assistant",
      model: "claude-test-1",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 30, cache_read_input_tokens: 100, output_tokens: 1 },
    },
  }),
  sse("ping"),
  sse("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
  delta(0, { type: "thinking_delta", thinking: "Think ü" }),
  delta(0, { type: "thinking_delta", thinking: "ber 🌏." }),
  delta(0, { type: "signature_delta", signature: "c2lnbmF0dXJl" }),
  sse("content_block_stop", { index: 0 }),
  sse("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
  delta(1, { type: "text_delta", text: "Héllo " }),
  sse("some_future_event", { detail: 1 }),
  delta(1, { type: "text_delta", text: "wörld 🌏!" }),
  delta(1, { type: "citations_delta", citation: { type: "char_location" } }),
  sse("content_block_stop", { index: 1 }),
  sse("content_block_start", {
    index: 2,
    content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} },
  }),
  delta(2, { type: "input_json_delta", partial_json: '{"query":"x"}' }),
  sse("content_block_stop", { index: 2 }),
  sse("content_block_start", {
    index: 3,
    content_block: { type: "tool_use", id: "toolu_01", name: "weather", input: {} },
  }),
  delta(3, { type: "input_json_delta", partial_json: "" }),
  delta(3, { type: "input_json_delta", partial_json: '{"city":' }),
  delta(3, { type: "input_json_delta", partial_json: '"Dhaka","no' }),
  delta(3, { type: "input_json_delta", partial_json: 'te":"café ' }),
  delta(3, { type: "input_json_delta", partial_json: '🙂"}' }),
  sse("content_block_stop", { index: 3 }),
  sse("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 30 } }),
  sse("message_delta", {
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 45, output_tokens_details: { thinking_tokens: 12 } },
  }),
  sse("message_stop"),
].join("");

interface Delta {
  role?: string;
  content?: string;
  reasoning_content?: string;
  reasoning_signature?: string;
  tool_calls?: Array<{ index: number; id?: string; type?: string; function: { name?: string; arguments?: string } }>;
}
interface Event {
  id?: string;
  model?: string;
  choices?: Array<{ delta: Delta; finish_reason: string | null }>;
  usage?: Record<string, unknown>;
  error?: { code: string };
}

async function run(body: ReadableStream<Uint8Array>, includeUsage: boolean) {
  let outcome: StreamOutcome | undefined;
  const stream = createTranslatedStreamBody({
    upstreamBody: body,
    translator: adapter.createStreamTranslator(context),
    encoder: openaiSurface.createStreamEncoder({ includeUsage, modelId: context.modelId, requestId: "req_test" }),
    abortUpstream: () => undefined,
    costOf: () => zeroCost,
    onEnd: (settled) => (outcome = settled),
  });
  const text = await new Response(stream).text();
  const raw = text
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""));
  const events = raw.filter((event) => event !== "[DONE]").map((event) => JSON.parse(event) as Event);
  return { raw, events, outcome };
}

function reassemble(events: Event[]) {
  const deltas = events.flatMap((event) => event.choices ?? []).map((choice) => choice.delta);
  const joined = (field: "content" | "reasoning_content" | "reasoning_signature") =>
    deltas.map((part) => part[field] ?? "").join("");
  const calls = deltas.flatMap((part) => part.tool_calls ?? []);
  return {
    role: deltas[0]?.role,
    content: joined("content"),
    reasoning: joined("reasoning_content"),
    signature: joined("reasoning_signature"),
    toolHeaders: calls.filter((call) => call.id !== undefined),
    toolArguments: calls
      .filter((call) => call.index === 0)
      .map((call) => call.function.arguments ?? "")
      .join(""),
    finishReasons: events
      .flatMap((event) => event.choices ?? [])
      .map((choice) => choice.finish_reason)
      .filter((reason) => reason !== null),
  };
}

const EXPECTED_USAGE = {
  inputUncached: 20,
  cacheRead: 100,
  cacheWrite: 30,
  output: 45,
  reasoning: 12,
  source: "provider",
};

describe("Anthropic stream translator through the streaming pipeline", () => {
  it("reassembles text, thinking and a split tool call at every byte boundary, with usage once at the end", async () => {
    const length = new TextEncoder().encode(UPSTREAM).length;
    for (let cut = 1; cut < length; cut += 1) {
      const { raw, events, outcome } = await run(bodySplitAt(UPSTREAM, [cut, cut + 3, cut + 17]), true);
      const result = reassemble(events);
      expect(result).toEqual({
        role: "assistant",
        content: "Héllo wörld 🌏!",
        reasoning: "Think über 🌏.",
        signature: "c2lnbmF0dXJl",
        toolHeaders: [{ index: 0, id: "toolu_01", type: "function", function: { name: "weather", arguments: "" } }],
        toolArguments: TOOL_ARGUMENTS,
        finishReasons: ["tool_calls"],
      });
      expect(JSON.parse(result.toolArguments)).toEqual({ city: "Dhaka", note: "café 🙂" });
      expect(events.every((event) => event.id === "msg_01XYZ" && event.model === "anthropic/claude-test")).toBe(true);
      const usageEvents = events.filter((event) => event.usage);
      expect(usageEvents).toHaveLength(1);
      expect(usageEvents[0]).toMatchObject({
        choices: [],
        usage: {
          prompt_tokens: 150,
          completion_tokens: 45,
          total_tokens: 195,
          prompt_tokens_details: { cached_tokens: 100 },
        },
      });
      expect(raw.at(-1)).toBe("[DONE]");
      expect(outcome).toMatchObject({ status: "ok", usage: EXPECTED_USAGE });
    }
  });

  it("sends clients that did not ask usage only in the final usage chunk (with the cost), and settles with it", async () => {
    const { events, outcome } = await run(bodySplitAt(UPSTREAM, []), false);
    expect(events.slice(0, -1).some((event) => "usage" in event)).toBe(false);
    expect(events.at(-1)).toMatchObject({ choices: [], usage: { cost: 0 } });
    expect(outcome?.usage).toEqual(EXPECTED_USAGE);
  });

  it.each([
    ["overloaded_error", "upstream_unavailable"],
    ["api_error", "upstream_error"],
  ])("turns an in-stream %s event into a final %s error event", async (errorType, code) => {
    const body =
      UPSTREAM.slice(0, UPSTREAM.indexOf("event: content_block_start")) +
      sse("error", { error: { type: errorType, message: "Overloaded: upstream detail" } });
    const { events, outcome } = await run(bodySplitAt(body, []), true);
    expect(events.at(-1)?.error?.code).toBe(code);
    expect(JSON.stringify(events.at(-1))).not.toContain("upstream detail");
    expect(outcome).toMatchObject({ status: "error", usage: null });
  });

  it("treats a stream cut off before message_stop as failed", async () => {
    const { events, outcome } = await run(
      bodySplitAt(UPSTREAM.slice(0, UPSTREAM.indexOf("event: message_stop")), []),
      true,
    );
    expect(events.at(-1)?.error?.code).toBe("upstream_error");
    expect(outcome?.status).toBe("error");
  });

  it("fails on a malformed event instead of guessing", async () => {
    const { events } = await run(bodySplitAt(`event: message_start\ndata: {not json\n\n`, []), true);
    expect(events.at(-1)?.error?.code).toBe("upstream_error");
  });

  it("maps other stop reasons on the finish chunk", async () => {
    const body = UPSTREAM.replaceAll('"stop_reason":"tool_use"', '"stop_reason":"max_tokens"');
    const { events } = await run(bodySplitAt(body, []), true);
    expect(reassemble(events).finishReasons).toEqual(["length"]);
  });
});
