import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { zeroCost, type RequestCost } from "../../lib/cost.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { openaiSurface } from "./openai-surface.ts";

const usage: NormalizedUsage = {
  inputUncached: 200,
  cacheRead: 1_000,
  cacheWrite: 0,
  output: 80,
  reasoning: 30,
  source: "provider",
};
const cost: RequestCost = {
  microUsd: 1_363,
  parts: { input: 0.0003, cacheRead: 0.000044, cacheWrite: 0, output: 0.001018, reasoning: 0.00038 },
};
const costFields = {
  cost: 0.001363,
  cost_details: { input: 0.0003, cache_read: 0.000044, cache_write: 0, output: 0.001018, reasoning: 0.00038 },
};
const reported = {
  prompt_tokens: 1_200,
  completion_tokens: 80,
  total_tokens: 1_280,
  prompt_cache_hit_tokens: 1_000,
  prompt_cache_miss_tokens: 200,
};

const contentChunk = (delta: Record<string, unknown>, finishReason: string | null = null): ChatCompletionChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "deepseek/deepseek-flash",
  choices: [{ index: 0, delta, finish_reason: finishReason }],
  usage: null,
});
const usageChunk = (usageObject: Record<string, unknown>): ChatCompletionChunk => ({
  ...contentChunk({}),
  choices: [],
  usage: usageObject as ChatCompletionChunk["usage"],
});

function streamText(
  includeUsage: boolean,
  drive: (encoder: ReturnType<typeof openaiSurface.createStreamEncoder>) => Uint8Array[][],
) {
  const encoder = openaiSurface.createStreamEncoder({
    includeUsage,
    modelId: "deepseek/deepseek-flash",
    requestId: "r",
  });
  return drive(encoder)
    .flat()
    .map((part) => new TextDecoder().decode(part))
    .join("");
}

const dataOf = (text: string) =>
  text
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""));

describe("openaiSurface cost", () => {
  it("adds usage.cost (= microUsd / 1e6) and cost_details to the non-streamed answer, keeping the upstream's fields", () => {
    const body: ChatCompletion = {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "deepseek/deepseek-flash",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: reported,
    };
    expect(openaiSurface.renderJson(body, usage, cost)).toEqual({ ...body, usage: { ...reported, ...costFields } });
  });

  it("makes the usage object from the normalised usage when the upstream sent none (an estimate)", () => {
    const body: ChatCompletion = { id: "c", object: "chat.completion", created: 1, model: "m", choices: [] };
    const rendered = openaiSurface.renderJson(body, { ...usage, source: "estimated" }, cost) as ChatCompletion;
    expect(rendered.usage).toEqual({
      prompt_tokens: 1_200,
      completion_tokens: 80,
      total_tokens: 1_280,
      prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 30 },
      ...costFields,
    });
  });

  it.each([true, false])(
    "ends every stream with the usage chunk carrying the cost (include_usage: %s)",
    (includeUsage) => {
      const text = streamText(includeUsage, (encoder) => [
        encoder.chunk({ ...contentChunk({ content: "hi" }, "stop"), usage: null }),
        encoder.usage(usage, usageChunk(reported), cost),
        encoder.end(),
      ]);
      const events = dataOf(text);
      expect(events.at(-1)).toBe("[DONE]");
      expect(events).toHaveLength(3);
      const first = JSON.parse(events[0]!) as Record<string, unknown>;
      expect("usage" in first).toBe(includeUsage);
      expect(JSON.parse(events[1]!)).toEqual({ ...usageChunk(reported), usage: { ...reported, ...costFields } });
    },
  );

  it("sends the last usage report once, at the end, when an upstream reports twice (what billing uses)", () => {
    const last = { ...reported, completion_tokens: 81, total_tokens: 1_281 };
    const lastCost = { ...cost, microUsd: 1_376 };
    const events = dataOf(
      streamText(true, (encoder) => [
        encoder.usage(usage, usageChunk(reported), cost),
        encoder.usage({ ...usage, output: 81 }, usageChunk(last), lastCost),
        encoder.end(),
        encoder.end(),
      ]),
    );
    expect(events).toEqual([
      JSON.stringify({ ...usageChunk(last), usage: { ...last, ...costFields, cost: 0.001376 } }),
      "[DONE]",
    ]);
  });

  it("sends no usage chunk when nothing was reported, and none after an error", () => {
    expect(dataOf(streamText(false, (encoder) => [encoder.end()]))).toEqual(["[DONE]"]);
    const failed = streamText(true, (encoder) => [
      encoder.usage(usage, usageChunk(reported), zeroCost),
      encoder.error(new GatewayError("upstream_error", "The upstream stream failed.")),
    ]);
    expect(dataOf(failed).map((event) => Object.keys(JSON.parse(event) as object))).toEqual([["error"]]);
  });

  it("is read by the official openai SDK: the final chunk's usage carries the cost", async () => {
    const text = streamText(false, (encoder) => [
      encoder.chunk(contentChunk({ role: "assistant", content: "Hello" })),
      encoder.chunk(contentChunk({}, "stop")),
      encoder.usage(usage, usageChunk(reported), cost),
      encoder.end(),
    ]);
    const client = new OpenAI({
      apiKey: "sk-test",
      fetch: async () => new Response(text, { headers: { "content-type": "text/event-stream" } }),
    });
    const runner = client.chat.completions.stream({ model: "deepseek/deepseek-flash", messages: [], stream: true });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe("Hello");
    expect(completion.usage).toMatchObject({ prompt_tokens: 1_200, ...costFields });
  });
});
