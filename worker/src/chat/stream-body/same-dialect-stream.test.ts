/**
 * The same-dialect fast path of the translated stream (an OpenAI-dialect upstream, an OpenAI chat client): its bytes,
 * outcome and prompt-cache entry must be exactly those of the full parse-translate-encode path, wherever the reads end.
 */
import { describe, expect, it } from "vitest";
import { zeroCost, type RequestCost } from "../../lib/cost.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { createOpenAICompatibleAdapter } from "../../providers/openai-compatible/adapter.ts";
import { convertMoonshotUsage } from "../../providers/openai-compatible/convert-from-dialect-usage.ts";
import type { ChatContext, StreamTranslator } from "../../providers/types.ts";
import { createStreamRecorder } from "../../services/prompt-cache/cache-entry.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import type { StreamEncoder } from "../../surfaces/types.ts";
import { bodySplitAt } from "../../testing/split-stream.ts";
import type { StreamOutcome } from "./stream-progress.ts";
import { createTranslatedStreamBody } from "./translated-stream.ts";

const adapter = createOpenAICompatibleAdapter("moonshot", "https://upstream.invalid", {
  convertUsage: convertMoonshotUsage,
});
const context: ChatContext = {
  request: { model: "moonshot/kimi-k2", messages: [{ role: "user", content: "hi" }], stream: true },
  modelId: "moonshot/kimi-k2",
  upstreamModel: "kimi-k2",
  target: { baseUrl: "https://upstream.invalid", apiKey: "k" },
};

const base = { id: "c1", object: "chat.completion.chunk", created: 1, model: "kimi-k2" };
const event = (choices: unknown[], extra: Record<string, unknown> = { usage: null }) =>
  `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;
const delta = (value: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  event([{ index: 0, delta: value, logprobs: null, finish_reason: finish, ...extra }]);
const USAGE = { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17, cached_tokens: 2 };

/** Role, reasoning, text with escapes and emoji, a tool call, a comment, Kimi's usage twice (finish, usage chunk). */
const UPSTREAM = [
  delta({ role: "assistant", content: "" }),
  delta({ reasoning_content: 'weigh "a" and b' }),
  ": keep-alive\n\n",
  delta({ content: "Héllo\nwörld 🌏" }),
  delta({ content: "!" }),
  delta({ tool_calls: [{ index: 0, id: "t1", type: "function", function: { name: "f", arguments: "" } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
  delta({}, "tool_calls", { usage: USAGE }),
  event([], { usage: { ...USAGE, completion_tokens: 8, total_tokens: 18 } }),
  "data: [DONE]\n\n",
].join("");

const costOf = (usage: NormalizedUsage): RequestCost => ({
  microUsd: usage.output * 3,
  parts: { ...zeroCost.parts, output: usage.output * 3e-6 },
});

/** Runs the stream; `fast: false` hides the fast path (the encoder without `chunkForwarded`). */
async function run(fast: boolean, includeUsage: boolean, cuts: number[], upstream = UPSTREAM) {
  let outcome: StreamOutcome | undefined;
  let translated = 0;
  const recorder = createStreamRecorder(1024 * 1024);
  const inner = adapter.createStreamTranslator(context);
  const translator: StreamTranslator = {
    translate: (message) => {
      translated += 1;
      return inner.translate(message);
    },
    ...(inner.forwardData ? { forwardData: inner.forwardData } : {}),
  };
  const surfaceEncoder = openaiSurface.createStreamEncoder({ includeUsage, modelId: context.modelId, requestId: "r" });
  const { chunkForwarded: _hidden, ...slowEncoder } = surfaceEncoder;
  const encoder: StreamEncoder = fast ? surfaceEncoder : slowEncoder;
  const stream = createTranslatedStreamBody({
    upstreamBody: bodySplitAt(upstream, cuts),
    translator,
    encoder,
    abortUpstream: () => undefined,
    costOf,
    tap: {
      chunk: (chunk) => recorder.add(chunk),
      chunkBytes: (json) => recorder.addBytes(json),
      usage: (usage, chunk) => recorder.setUsage(usage, chunk),
    },
    onEnd: (ended) => (outcome = ended),
  });
  const text = await new Response(stream).text();
  return {
    text,
    outcome: { ...outcome, firstTokenAt: typeof outcome?.firstTokenAt },
    translated,
    entry: recorder.finish(),
  };
}

describe("the same-dialect fast path", () => {
  it.each([false, true])(
    "gives the bytes, outcome and cache entry of the full path (include_usage %s)",
    async (usage) => {
      const length = new TextEncoder().encode(UPSTREAM).length;
      const slow = await run(false, usage, []);
      expect(slow.outcome).toMatchObject({ status: "ok", finishReason: "tool_calls", usage: { output: 8 } });
      for (let cut = 1; cut < length; cut += 11) {
        const fast = await run(true, usage, [cut, cut + 3, cut + 90]);
        expect(fast.text).toBe(slow.text);
        expect(fast.outcome).toEqual(slow.outcome);
        expect(fast.entry).toEqual(slow.entry);
      }
    },
  );

  it("parses only the events that are not plain content (role and text chunks pass as text)", async () => {
    const slow = await run(false, false, []);
    const fast = await run(true, false, []);
    expect(slow.translated).toBe(9);
    // Left to the parser: the two tool-call chunks, the finish chunk, the usage chunk and [DONE].
    expect(fast.translated).toBe(5);
    const sent = fast.text.split("\n\n").filter(Boolean);
    expect(sent[0]).toBe(
      `data: ${JSON.stringify({ ...base, model: "moonshot/kimi-k2", choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] })}`,
    );
    // The usage chunk is the last before [DONE], with the last usage reported and its cost.
    expect(JSON.parse(sent.at(-2)?.slice(6) ?? "{}")).toMatchObject({
      choices: [],
      usage: { completion_tokens: 8, cost: 0.000024 },
    });
  });

  it("drops an unterminated last event on both paths, as the SSE parser always did", async () => {
    const unterminated = delta({ role: "assistant", content: "" }) + delta({ content: "cut" }).trimEnd();
    const slow = await run(false, false, [], unterminated);
    const fast = await run(true, false, [], unterminated);
    expect(fast.text).toBe(slow.text);
    expect(fast.outcome).toEqual(slow.outcome);
    expect(fast.outcome).toMatchObject({ status: "error", generatedCharacters: 0 });
  });

  it("an upstream that ends mid-answer without usage fails the same way on both paths", async () => {
    const cut = UPSTREAM.slice(0, UPSTREAM.indexOf("data: ", UPSTREAM.indexOf("!")));
    const slow = await run(false, false, [], cut);
    const fast = await run(true, false, [7], cut);
    expect(fast.text).toBe(slow.text);
    expect(fast.outcome).toEqual(slow.outcome);
    expect(fast.outcome).toMatchObject({
      status: "error",
      usage: null,
      generatedCharacters: 'weigh "a" and b'.length + 15,
    });
  });
});
