import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import { createTranslatedStreamBody, type StreamOutcome } from "../../testing/stream-pipeline.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import { createGeminiStreamTranslator } from "./gemini-stream-translator.ts";
import {
  PUBLISHED_THINKING_TEXT_STREAM,
  PUBLISHED_THINKING_TOOL_STREAM,
  PUBLISHED_UTF8_STREAM,
} from "./published-gemini-streams.fixture.ts";
import { bodySplitAt } from "../../testing/split-stream.ts";
import { zeroCost } from "../../lib/cost.ts";

const MODEL = "gemini/gemini-3.8-flash";

interface GeminiPartShape {
  text?: string;
  thought?: boolean;
}
interface GeminiEventShape {
  candidates: Array<{ content: { parts: GeminiPartShape[] }; finishReason?: string }>;
}

/**
 * What the published stream says up to its end (the first event with a finishReason), read straight from its events
 * (independently of the translator and its SSE decoder).
 */
function expectedTexts(published: string): { content: string; reasoning: string } {
  const events = published
    .split(/\r?\n\r?\n/)
    .filter(Boolean)
    .map((event) => JSON.parse(event.replace(/^data: /, "")) as GeminiEventShape);
  const end = events.findIndex((event) => event.candidates[0]?.finishReason !== undefined);
  const parts = events.slice(0, end + 1).flatMap((event) => event.candidates[0]?.content.parts ?? []);
  const join = (thought: boolean) =>
    parts
      .filter((part) => Boolean(part.thought) === thought)
      .map((part) => part.text ?? "")
      .join("");
  return { content: join(false), reasoning: join(true) };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs an upstream body through the real pipeline (SSE decode -> translator -> OpenAI encoder) and reads the result.
 */
async function run(body: ReadableStream<Uint8Array>, includeUsage = true) {
  let outcome: StreamOutcome | undefined;
  const stream = createTranslatedStreamBody({
    upstreamBody: body,
    translator: createGeminiStreamTranslator(MODEL),
    encoder: openaiSurface.createStreamEncoder({ includeUsage, modelId: MODEL, requestId: "req_test" }),
    abortUpstream: () => undefined,
    costOf: () => zeroCost,
    onEnd: (settled) => (outcome = settled),
  });
  const events = (await new Response(stream).text())
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""));
  const chunks = events
    .filter((event) => event !== "[DONE]")
    .map((event) => JSON.parse(event) as ChatCompletionChunk & { error?: { code: string } });
  const deltas = chunks.map((chunk) => chunk.choices?.[0]?.delta ?? {});
  const text = (field: string) =>
    deltas.map((delta) => (typeof delta[field] === "string" ? delta[field] : "")).join("");
  return { events, chunks, deltas, content: text("content"), reasoning: text("reasoning_content"), outcome };
}

const sse = (...events: unknown[]) => events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
const candidate = (parts: unknown[], finishReason?: string) => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
  responseId: "r1",
});

describe("Gemini stream translator in the streaming pipeline", () => {
  it("replays Google's published streams byte for byte (the SHA-256 of each published file)", async () => {
    expect(await sha256(PUBLISHED_THINKING_TEXT_STREAM)).toBe(
      "8cc56aa1d3b212c9667ae7a5f1298d8640881d37b892261e7c16f574436f3aa3",
    );
    expect(await sha256(PUBLISHED_THINKING_TOOL_STREAM)).toBe(
      "ec0826c99ac0bd20ec0e18c63eac3ce98899275441ffa1e81818c16665082d27",
    );
    expect(await sha256(PUBLISHED_UTF8_STREAM)).toBe(
      "81fecdcf1c2805222a1bd6c36f88279d22880e35570ed074e9f99a27119fb382",
    );
  });

  it("reassembles a published text stream split at every byte boundary, including inside multi-byte characters", async () => {
    const expected = expectedTexts(PUBLISHED_THINKING_TEXT_STREAM);
    expect(expected.reasoning).not.toBe("");
    const length = new TextEncoder().encode(PUBLISHED_THINKING_TEXT_STREAM).length;
    for (let cut = 1; cut < length; cut += 1) {
      const { events, content, reasoning, outcome } = await run(
        bodySplitAt(PUBLISHED_THINKING_TEXT_STREAM, [cut, cut + 5, cut + 29]),
      );
      expect(content).toBe(expected.content);
      expect(reasoning).toBe(expected.reasoning);
      expect(events.at(-1)).toBe("[DONE]");
      expect(outcome?.status).toBe("ok");
      expect(outcome?.usage).toEqual({
        inputUncached: 10,
        cacheRead: 0,
        cacheWrite: 0,
        output: 588,
        reasoning: 540,
        source: "provider",
      });
    }
    // Google's multi-byte stream (3-byte characters), cut inside them: the same text comes out.
    const utf8 = expectedTexts(PUBLISHED_UTF8_STREAM);
    expect(utf8.content).toMatch(/[^\x00-\x7f]/);
    const utf8Length = new TextEncoder().encode(PUBLISHED_UTF8_STREAM).length;
    for (let cut = 1; cut < utf8Length; cut += 1) {
      const { events, content, outcome } = await run(bodySplitAt(PUBLISHED_UTF8_STREAM, [cut, cut + 1, cut + 2]));
      expect(content).toBe(utf8.content);
      expect(events.at(-1)).toBe("[DONE]");
      expect(outcome?.status).toBe("ok");
    }
  });

  it("sends the role first, one finish chunk, and the OpenAI usage chunk built from the last usageMetadata", async () => {
    const { chunks, deltas } = await run(bodySplitAt(PUBLISHED_THINKING_TEXT_STREAM, []));
    expect(deltas[0]).toMatchObject({ role: "assistant" });
    expect(deltas.slice(1).some((delta) => "role" in delta)).toBe(false);
    expect(
      chunks.every(
        (chunk) =>
          chunk.id === "0J-HaJetAqv0jrEPwu-tsQ0" && chunk.model === MODEL && chunk.object === "chat.completion.chunk",
      ),
    ).toBe(true);
    const finishes = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
    expect(finishes.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual(["stop"]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 588,
        total_tokens: 598,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 540 },
      },
    });
    // Cached prompt tokens on the last usageMetadata reach the usage chunk (the published streams carry none).
    const cached = await run(
      bodySplitAt(
        sse(
          {
            ...candidate([{ text: "Hi" }]),
            usageMetadata: { promptTokenCount: 20, cachedContentTokenCount: 2, totalTokenCount: 20 },
          },
          {
            ...candidate([{ text: "!" }], "STOP"),
            usageMetadata: {
              promptTokenCount: 20,
              cachedContentTokenCount: 2,
              candidatesTokenCount: 6,
              thoughtsTokenCount: 3,
              totalTokenCount: 29,
            },
          },
        ),
        [],
      ),
    );
    expect(cached.chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 9,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 2 },
        completion_tokens_details: { reasoning_tokens: 3 },
      },
    });
    expect(cached.outcome?.usage).toEqual({
      inputUncached: 18,
      cacheRead: 2,
      cacheWrite: 0,
      output: 9,
      reasoning: 3,
      source: "provider",
    });
  });

  it("sends clients that did not ask usage only in the final usage chunk (with the cost), and settles with it", async () => {
    const { chunks, outcome } = await run(bodySplitAt(PUBLISHED_THINKING_TEXT_STREAM, []), false);
    expect(chunks.slice(0, -1).some((chunk) => chunk.choices.length === 0 || "usage" in chunk)).toBe(false);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 588, cost: 0 } });
    expect(outcome?.usage?.output).toBe(588);
  });

  it("reassembles a published tool-call stream split at arbitrary byte boundaries into one complete tool call", async () => {
    const signature = (
      JSON.parse(PUBLISHED_THINKING_TOOL_STREAM.split("\r\n\r\n")[2]?.replace(/^data: /, "") ?? "") as {
        candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }>;
      }
    ).candidates[0]?.content.parts[0]?.thoughtSignature;
    expect(signature).toMatch(/^CiIB/);
    const length = new TextEncoder().encode(PUBLISHED_THINKING_TOOL_STREAM).length;
    for (let cut = 1; cut < length; cut += 7) {
      const { deltas, chunks, reasoning, outcome } = await run(
        bodySplitAt(PUBLISHED_THINKING_TOOL_STREAM, [cut, cut + 2, cut + 11]),
      );
      const toolCalls = deltas.flatMap((delta) => (Array.isArray(delta.tool_calls) ? delta.tool_calls : []));
      expect(toolCalls).toEqual([
        {
          index: 0,
          id: "call_48SHaPHpHKbG-8YPtZCawAk_0",
          type: "function",
          function: { name: "now", arguments: "{}" },
          extra_content: { google: { thought_signature: signature } },
        },
      ]);
      expect(reasoning).toBe(expectedTexts(PUBLISHED_THINKING_TOOL_STREAM).reasoning);
      expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("tool_calls");
      expect(outcome?.usage).toEqual({
        inputUncached: 38,
        cacheRead: 0,
        cacheWrite: 0,
        output: 174,
        reasoning: 168,
        source: "provider",
      });
    }
  });

  it("numbers function calls across chunks and keeps their thought signatures", async () => {
    const upstream = sse(candidate([{ functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "c2ln" }]), {
      ...candidate([{ functionCall: { name: "b", args: {} } }], "STOP"),
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4 },
    });
    const { deltas } = await run(bodySplitAt(upstream, []));
    expect(deltas[0]).toEqual({
      role: "assistant",
      tool_calls: [
        {
          index: 0,
          id: "call_r1_0",
          type: "function",
          function: { name: "a", arguments: '{"x":1}' },
          extra_content: { google: { thought_signature: "c2ln" } },
        },
      ],
    });
    expect(deltas[1]).toEqual({
      tool_calls: [{ index: 1, id: "call_r1_1", type: "function", function: { name: "b", arguments: "{}" } }],
    });
  });

  it("ends a blocked prompt with a role chunk and finish_reason content_filter", async () => {
    const upstream = sse({
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      responseId: "r2",
    });
    const { deltas, chunks, events, outcome } = await run(bodySplitAt(upstream, []));
    expect(deltas[0]).toEqual({ role: "assistant", content: "" });
    expect(chunks[0]?.choices[0]?.finish_reason).toBe("content_filter");
    expect(events.at(-1)).toBe("[DONE]");
    expect(outcome).toMatchObject({ status: "ok", usage: { inputUncached: 9, output: 0 } });
  });

  it("ends with an OpenAI error event when Gemini reports an error mid-stream, without its message", async () => {
    const upstream = sse(candidate([{ text: "partial" }]), {
      error: { code: 500, message: "secret internals AIzaSyKEY", status: "INTERNAL" },
    });
    const { chunks, outcome } = await run(bodySplitAt(upstream, []));
    expect(chunks.at(-1)?.error).toMatchObject({
      code: "upstream_error",
      message: expect.stringContaining("INTERNAL"),
    });
    expect(JSON.stringify(chunks)).not.toContain("secret");
    expect(outcome?.status).toBe("error");
    const limited = await run(
      bodySplitAt(sse({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }), []),
    );
    expect(limited.chunks.at(-1)?.error?.code).toBe("upstream_rate_limited");
  });

  it("treats a stream cut off before finishReason as a failure", async () => {
    const { chunks, outcome } = await run(
      bodySplitAt(sse({ ...candidate([{ text: "partial" }]), usageMetadata: { promptTokenCount: 5 } }), []),
    );
    expect(chunks.at(-1)?.error?.code).toBe("upstream_error");
    expect(outcome).toMatchObject({ status: "error", usage: null, generatedCharacters: "partial".length });
  });
});

describe("createGeminiStreamTranslator", () => {
  const event = (data: string) => ({ data, event: undefined, id: undefined });

  it("ignores empty events and anything after the end, and refuses malformed JSON", () => {
    const translator = createGeminiStreamTranslator(MODEL);
    expect(translator.translate(event(""))).toEqual([]);
    const end = translator.translate(event(JSON.stringify(candidate([{ text: "Hi" }], "MAX_TOKENS"))));
    expect(end.map((part) => part.type)).toEqual(["chunk-emit", "chunk-emit", "stream-end"]);
    expect(end[1]).toMatchObject({ chunk: { choices: [{ finish_reason: "length", delta: {} }] } });
    expect(translator.translate(event(JSON.stringify(candidate([{ text: "late" }]))))).toEqual([]);
    expect(() => createGeminiStreamTranslator(MODEL).translate(event("{not json"))).toThrow(GatewayError);
  });
});
