import { describe, expect, it } from "vitest";
import { createOpenAICompatibleAdapter } from "../../providers/openai-compatible/adapter.ts";
import { convertDeepSeekUsage } from "../../providers/openai-compatible/convert-from-dialect-usage.ts";
import type { ChatContext } from "../../providers/types.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import type { StreamOutcome } from "./stream-progress.ts";
import { createTranslatedStreamBody } from "./translated-stream.ts";
import { bodySplitAt } from "../../testing/split-stream.ts";
import { zeroCost } from "../../lib/cost.ts";

const adapter = createOpenAICompatibleAdapter("deepseek", "https://upstream.invalid", {
  convertUsage: convertDeepSeekUsage,
});
const context: ChatContext = {
  request: { model: "deepseek/deepseek-flash", messages: [{ role: "user", content: "hi" }], stream: true },
  modelId: "deepseek/deepseek-flash",
  upstreamModel: "deepseek-flash",
  target: { baseUrl: "https://upstream.invalid", apiKey: "k" },
};

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "deepseek-flash", choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: null })}\n\n`;
const usageChunk = `data: ${JSON.stringify({
  id: "c1",
  object: "chat.completion.chunk",
  created: 1,
  model: "deepseek-flash",
  choices: [],
  usage: {
    prompt_tokens: 10,
    completion_tokens: 4,
    total_tokens: 14,
    prompt_cache_hit_tokens: 3,
    prompt_cache_miss_tokens: 7,
  },
})}\n\n`;
const UPSTREAM = chunk("Héllo ") + chunk("wörld 🌏") + chunk("!") + usageChunk + "data: [DONE]\n\n";

async function run(body: ReadableStream<Uint8Array>, includeUsage: boolean) {
  let outcome: StreamOutcome | undefined;
  let aborted = false;
  const stream = createTranslatedStreamBody({
    upstreamBody: body,
    translator: adapter.createStreamTranslator(context),
    encoder: openaiSurface.createStreamEncoder({ includeUsage, modelId: context.modelId, requestId: "req_test" }),
    abortUpstream: () => (aborted = true),
    costOf: () => zeroCost,
    onEnd: (settled) => (outcome = settled),
  });
  const text = await new Response(stream).text();
  const events = text
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""));
  return { events, outcome, aborted };
}

const contentOf = (events: string[]) =>
  events
    .filter((event) => event !== "[DONE]")
    .map((event) => JSON.parse(event) as { choices: Array<{ delta?: { content?: string } }> })
    .map((parsed) => parsed.choices[0]?.delta?.content ?? "")
    .join("");

describe("streaming pipeline", () => {
  it("reassembles events split at every byte boundary, including inside multi-byte characters", async () => {
    const length = new TextEncoder().encode(UPSTREAM).length;
    for (let cut = 1; cut < length; cut += 1) {
      const { events, outcome } = await run(bodySplitAt(UPSTREAM, [cut, cut + 3, cut + 17]), true);
      expect(contentOf(events)).toBe("Héllo wörld 🌏!");
      expect(events.at(-1)).toBe("[DONE]");
      expect(outcome?.usage).toEqual({
        inputUncached: 7,
        cacheRead: 3,
        cacheWrite: 0,
        output: 4,
        reasoning: 0,
        source: "provider",
      });
    }
  });

  it("replaces the upstream model id; clients that did not ask get usage only in the final usage chunk", async () => {
    const { events, outcome } = await run(bodySplitAt(UPSTREAM, []), false);
    const parsed = events
      .filter((event) => event !== "[DONE]")
      .map((event) => JSON.parse(event) as Record<string, unknown>);
    expect(parsed).toHaveLength(4);
    expect(parsed.every((event) => event.model === "deepseek/deepseek-flash")).toBe(true);
    expect(parsed.slice(0, 3).some((event) => "usage" in event)).toBe(false);
    expect(parsed[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 10, cost: 0 } });
    expect(outcome?.status).toBe("ok");
  });

  it("ends a cut-off stream with an OpenAI error event and settles it as an error with the text generated so far", async () => {
    const { events, outcome, aborted } = await run(bodySplitAt(chunk("partial answer"), []), true);
    const last = JSON.parse(events.at(-1) ?? "{}") as { error?: { code?: string } };
    expect(last.error?.code).toBe("upstream_error");
    expect(outcome).toMatchObject({ status: "error", usage: null, generatedCharacters: "partial answer".length });
    expect(aborted).toBe(true);
  });

  it("aborts the upstream and settles as cancelled when the client goes away", async () => {
    let outcome: StreamOutcome | undefined;
    let aborted = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(chunk("more ")));
      },
    });
    const stream = createTranslatedStreamBody({
      upstreamBody: endless,
      translator: adapter.createStreamTranslator(context),
      encoder: openaiSurface.createStreamEncoder({
        includeUsage: false,
        modelId: context.modelId,
        requestId: "req_test",
      }),
      abortUpstream: () => (aborted = true),
      costOf: () => zeroCost,
      onEnd: (settled) => (outcome = settled),
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(aborted).toBe(true);
    expect(outcome?.status).toBe("cancelled");
    expect(outcome?.generatedCharacters).toBeGreaterThan(0);
  });
});

describe("writes the client never took", () => {
  it("end the stream once and leave no write's failure unhandled, however many writes one read made", async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", note);
    try {
      let outcome: StreamOutcome | undefined;
      let ends = 0;
      // One read: a content event (forwarded), then events that each flush on their own (two writes in one read).
      const stream = createTranslatedStreamBody({
        upstreamBody: bodySplitAt(UPSTREAM, []),
        translator: adapter.createStreamTranslator(context),
        encoder: openaiSurface.createStreamEncoder({
          includeUsage: true,
          modelId: context.modelId,
          requestId: "req_test",
        }),
        abortUpstream: () => undefined,
        costOf: () => zeroCost,
        onEnd: (settled) => {
          outcome = settled;
          ends += 1;
        },
      });
      await expect.poll(() => ends).toBe(1);
      await stream.cancel();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(outcome?.status).toBe("ok");
      expect(ends).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", note);
    }
  });
});

describe("a client that leaves after the finish, before the usage", () => {
  const finishChunk = `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "deepseek-flash", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null })}\n\n`;

  /** An upstream the test writes to, and a pipeline in front of it. */
  function pipeline() {
    let upstream!: ReadableStreamDefaultController<Uint8Array>;
    const state: { outcome?: StreamOutcome; aborts: number; settlements: number; kept: Array<Promise<unknown>> } = {
      aborts: 0,
      settlements: 0,
      kept: [],
    };
    const stream = createTranslatedStreamBody({
      upstreamBody: new ReadableStream<Uint8Array>({ start: (controller) => void (upstream = controller) }),
      translator: adapter.createStreamTranslator(context),
      encoder: openaiSurface.createStreamEncoder({
        includeUsage: false,
        modelId: context.modelId,
        requestId: "req_test",
      }),
      abortUpstream: () => (state.aborts += 1),
      costOf: () => zeroCost,
      onEnd: (settled) => {
        state.outcome = settled;
        state.settlements += 1;
      },
      keepAlive: (work) => state.kept.push(work),
    });
    const send = (text: string) => upstream.enqueue(new TextEncoder().encode(text));
    return { reader: stream.getReader(), send, state };
  }

  it("keeps reading, discarding nothing it needs, and settles once with the provider's usage", async () => {
    const { reader, send, state } = pipeline();
    send(chunk("Hello") + finishChunk);
    await reader.read();
    await reader.read(); // the finish chunk: the answer is complete
    await reader.cancel();
    expect([state.outcome, state.aborts]).toEqual([undefined, 0]); // still waiting for the usage
    send(usageChunk + "data: [DONE]\n\n");
    await Promise.all(state.kept);
    expect(state.outcome).toMatchObject({ status: "cancelled", usage: { output: 4, source: "provider" } });
    expect(state.settlements).toBe(1);
    expect(state.aborts).toBeGreaterThan(0); // then the upstream call is closed
  });

  it("also when the client left while a read was in flight", async () => {
    const { reader, send, state } = pipeline();
    send(chunk("Hello") + finishChunk);
    await reader.read();
    await reader.read();
    const pending = reader.read(); // the pipeline now waits for the upstream
    await reader.cancel();
    await pending;
    send(usageChunk);
    await Promise.all(state.kept);
    expect(state.outcome).toMatchObject({ status: "cancelled", usage: { output: 4, source: "provider" } });
  });

  it("aborts at once, without waiting, when the client leaves mid-generation", async () => {
    const { reader, send, state } = pipeline();
    send(chunk("Hello"));
    await reader.read();
    await reader.cancel();
    expect(state.kept).toHaveLength(0);
    expect(state.aborts).toBe(1);
    expect(state.settlements).toBe(1);
    expect(state.outcome).toMatchObject({ status: "cancelled", usage: null, generatedCharacters: 5 });
  });
});

describe("an upstream that ends without a usage report", () => {
  it("ends the stream with the estimated usage and its cost, the usage the request is billed", async () => {
    let outcome: StreamOutcome | undefined;
    const stream = createTranslatedStreamBody({
      upstreamBody: bodySplitAt(chunk("Hello") + "data: [DONE]\n\n", []),
      translator: adapter.createStreamTranslator(context),
      encoder: openaiSurface.createStreamEncoder({ includeUsage: false, modelId: context.modelId, requestId: "r" }),
      abortUpstream: () => undefined,
      costOf: (usage) => ({ microUsd: usage.output * 7, parts: { ...zeroCost.parts, output: usage.output * 7e-6 } }),
      estimateUsage: (settled) => ({
        inputUncached: 3,
        cacheRead: 0,
        cacheWrite: 0,
        output: settled.generatedCharacters,
        reasoning: 0,
        source: "estimated",
      }),
      onEnd: (settled) => (outcome = settled),
    });
    const events = (await new Response(stream).text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const final = JSON.parse(events.at(-2)?.replace(/^data: /, "") ?? "{}") as Record<string, unknown>;
    expect(final).toMatchObject({
      id: "c1",
      model: "deepseek/deepseek-flash",
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 5, cost: 0.000035 },
    });
    // The outcome still says the upstream reported nothing: the request finisher bills the same estimate.
    expect(outcome).toMatchObject({ status: "ok", usage: null, generatedCharacters: 5 });
  });
});
