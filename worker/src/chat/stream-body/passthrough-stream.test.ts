import { describe, expect, it } from "vitest";
import type { RequestCost } from "../../lib/cost.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { PROVIDERS } from "../../providers/index.ts";
import type { ChatContext } from "../../providers/types.ts";
import { anthropicNativeForward } from "../../surfaces/anthropic/native-forward.ts";
import type { NativeForward } from "../../surfaces/native-forward.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import { responsesNativeForward } from "../../surfaces/responses/native-forward.ts";
import { bodySplitAt } from "../../testing/split-stream.ts";
import { createPassthroughStreamBody } from "./passthrough-stream.ts";
import type { StreamOutcome } from "./stream-progress.ts";

const context = (modelId: string): ChatContext => ({
  request: { model: modelId, messages: [{ role: "user", content: "hi" }], stream: true },
  modelId,
  upstreamModel: modelId.split("/")[1] ?? modelId,
  target: { baseUrl: "https://upstream.invalid", apiKey: "k" },
});

/** A made-up price: distinct per kind of token, so a wrong usage gives a wrong cost. */
function costOf(usage: NormalizedUsage): RequestCost {
  const parts = {
    input: usage.inputUncached * 1e-6,
    cacheRead: usage.cacheRead * 1e-7,
    cacheWrite: usage.cacheWrite * 2e-6,
    output: usage.output * 4e-6,
    reasoning: usage.reasoning * 4e-6,
  };
  return { microUsd: Math.ceil((parts.input + parts.cacheRead + parts.cacheWrite + parts.output) * 1e6), parts };
}

const event = (type: string, payload: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

const RESPONSE = { id: "resp_1", object: "response", created_at: 1, model: "gpt-sim", status: "in_progress" };
const MESSAGE = { id: "msg_1", type: "message", role: "assistant" };
const RESPONSES_USAGE = {
  input_tokens: 20,
  input_tokens_details: { cached_tokens: 8, cache_write_tokens: 2 },
  output_tokens: 9,
  output_tokens_details: { reasoning_tokens: 3 },
  total_tokens: 29,
};
const RESPONSES_EVENTS = [
  event("response.created", { sequence_number: 0, response: { ...RESPONSE, output: [] } }),
  ": keep-alive\n\n",
  event("response.output_item.added", { sequence_number: 1, output_index: 0, item: { ...MESSAGE, content: [] } }),
  event("response.output_text.delta", { sequence_number: 2, item_id: "msg_1", output_index: 0, delta: "Héllo 🌏" }),
  event("response.output_text.delta", { sequence_number: 3, item_id: "msg_1", output_index: 0, delta: "!" }),
  event("response.output_item.done", { sequence_number: 4, output_index: 0, item: MESSAGE }),
  event("response.completed", {
    sequence_number: 5,
    response: { ...RESPONSE, status: "completed", output: [MESSAGE], usage: RESPONSES_USAGE },
  }),
];

const ANTHROPIC_EVENTS = [
  event("message_start", {
    message: {
      id: "msg_a",
      model: "claude",
      usage: { input_tokens: 12, cache_read_input_tokens: 5, output_tokens: 1 },
    },
  }),
  event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
  event("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Grüße 🙂" } }),
  event("content_block_stop", { index: 0 }),
  event("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } }),
  event("message_stop", {}),
];

async function run(native: NativeForward, modelId: string, upstream: string, cuts: number[]) {
  let outcome: StreamOutcome | undefined;
  const adapter = PROVIDERS[native.provider];
  const stream = createPassthroughStreamBody({
    upstreamBody: bodySplitAt(upstream, cuts),
    translator: native.createStreamReader(context(modelId), adapter),
    encoder: openaiSurface.createStreamEncoder({ includeUsage: false, modelId, requestId: "req_test" }),
    abortUpstream: () => undefined,
    costOf,
    onEnd: (ended) => (outcome = ended),
  });
  const text = await new Response(stream).text();
  return { text, outcome };
}

const dataOf = (message: string) => JSON.parse(message.slice(message.indexOf("data: ") + 6)) as Record<string, unknown>;

describe("the native pass-through", () => {
  const cases = [
    {
      name: "Responses (OpenAI)",
      native: responsesNativeForward({ model: "openai/gpt-sim", input: "hi", stream: true }),
      modelId: "openai/gpt-sim",
      events: RESPONSES_EVENTS,
      final: RESPONSES_EVENTS.length - 1,
      usageOf: (data: Record<string, unknown>) => (data.response as Record<string, unknown>).usage,
      expectedUsage: { inputUncached: 10, cacheRead: 8, cacheWrite: 2, output: 9, reasoning: 3, source: "provider" },
    },
    {
      name: "Anthropic",
      native: anthropicNativeForward({ model: "anthropic/claude", messages: [], stream: true }, new Headers()),
      modelId: "anthropic/claude",
      events: ANTHROPIC_EVENTS,
      final: 4,
      usageOf: (data: Record<string, unknown>) => data.usage,
      expectedUsage: { inputUncached: 12, cacheRead: 5, cacheWrite: 0, output: 7, reasoning: 0, source: "provider" },
    },
  ];

  it.each(cases)(
    "$name: every event byte for byte but the final usage event, which carries the usage row's cost",
    async ({ native, modelId, events, final, usageOf, expectedUsage }) => {
      const upstream = events.join("");
      const length = new TextEncoder().encode(upstream).length;
      for (let cut = 1; cut < length; cut += 7) {
        const { text, outcome } = await run(native, modelId, upstream, [cut, cut + 1, cut + 40]);
        expect(outcome?.status).toBe("ok");
        expect(outcome?.usage).toEqual(expectedUsage);
        const received = text.split(/(?<=\n\n)/);
        expect(received).toHaveLength(events.length);
        received.forEach((message, index) => {
          if (index !== final) expect(message).toBe(events[index]);
        });
        const rewritten = received[final] ?? "";
        const original = dataOf(events[final] ?? "");
        const cost = costOf(expectedUsage as NormalizedUsage);
        expect(rewritten.split("\n")[0]).toBe((events[final] ?? "").split("\n")[0]);
        expect(usageOf(dataOf(rewritten))).toEqual({
          ...(usageOf(original) as object),
          cost: cost.microUsd / 1e6,
          cost_details: {
            input: cost.parts.input,
            cache_read: cost.parts.cacheRead,
            cache_write: cost.parts.cacheWrite,
            output: cost.parts.output,
            reasoning: cost.parts.reasoning,
          },
        });
        expect({ ...dataOf(rewritten), response: null, usage: null }).toEqual({
          ...original,
          response: null,
          usage: null,
        });
      }
    },
  );

  it("Responses: response.failed reaches the client as sent and ends the stream as an error", async () => {
    const failed = event("response.failed", {
      sequence_number: 3,
      response: { ...RESPONSE, status: "failed", error: { code: "rate_limit_exceeded", message: "slow down" } },
    });
    const upstream = RESPONSES_EVENTS.slice(0, 4).join("") + failed;
    const native = responsesNativeForward({ model: "openai/gpt-sim", input: "hi", stream: true });
    const { text, outcome } = await run(native, "openai/gpt-sim", upstream, [50]);
    expect(text).toBe(upstream);
    expect(outcome?.status).toBe("error");
    expect(outcome?.error?.code).toBe("upstream_rate_limited");
    expect(outcome?.usage).toBeNull();
    expect(outcome?.generatedCharacters).toBe("Héllo 🌏".length);
  });

  it("Responses: a stream cut before response.completed ends with an error event after the bytes received", async () => {
    const upstream = RESPONSES_EVENTS.slice(0, 4).join("");
    const native = responsesNativeForward({ model: "openai/gpt-sim", input: "hi", stream: true });
    const { text, outcome } = await run(native, "openai/gpt-sim", upstream, [10]);
    expect(text.startsWith(upstream)).toBe(true);
    expect(dataOf(text.slice(upstream.length))).toMatchObject({ error: { code: "upstream_error" } });
    expect(outcome?.status).toBe("error");
  });
});
