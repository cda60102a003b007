import { ChatCompletionStream } from "openai/lib/ChatCompletionStream";
import { describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import { toChunks, toCompletion } from "./completion-chunks.ts";
import { chunk, REALISTIC_CHUNKS, toolFragment, USAGE_CHUNK } from "./test-streams.fixture.ts";

/** The official OpenAI SDK's stream accumulator, fed the chunks as its own readable-stream format (JSON lines). */
async function sdkCompletionOf(chunks: ChatCompletionChunk[]) {
  const lines = new TextEncoder().encode(chunks.map((item) => `${JSON.stringify(item)}\n`).join(""));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(lines);
      controller.close();
    },
  });
  return ChatCompletionStream.fromReadableStream(body as never).finalChatCompletion();
}

describe("toCompletion", () => {
  it("accumulates reasoning, text and split tool-call arguments exactly, with the finish reason and usage", () => {
    const completion = toCompletion([...REALISTIC_CHUNKS, USAGE_CHUNK]);
    expect(completion).toEqual({
      id: "chatcmpl-xyz",
      object: "chat.completion",
      created: 1,
      model: "deepseek/deepseek-flash",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: "Héllo wörld 🌏! Checking…",
            reasoning_content: "Weather first, then the time in 東京 🗼.",
            tool_calls: [
              {
                id: "call_weather",
                type: "function",
                function: { name: "get_weather", arguments: '{"city": "Zürich 🌧", "days": [1, 2]}' },
              },
              { id: "call_time", type: "function", function: { name: "get_time", arguments: '{"tz":"Asia/Tokyo"}' } },
            ],
          },
        },
      ],
      usage: USAGE_CHUNK.usage,
    });
  });

  it("agrees with the official OpenAI SDK's accumulator on content, tool calls, finish reason and usage", async () => {
    const chunks = [...REALISTIC_CHUNKS, USAGE_CHUNK];
    const ours = toCompletion(chunks);
    const sdk = await sdkCompletionOf(chunks);
    const oursMessage = ours.choices[0]?.message ?? {};
    expect(sdk.choices[0]?.message.content).toBe(oursMessage.content);
    expect(sdk.choices[0]?.message.tool_calls).toEqual(oursMessage.tool_calls);
    expect(sdk.choices[0]?.finish_reason).toBe(ours.choices[0]?.finish_reason);
    expect(sdk.usage).toEqual(ours.usage);
    expect(sdk.id).toBe(ours.id);
  });

  it("gives null content when no text was streamed (a tool-call-only answer)", () => {
    const completion = toCompletion([
      chunk({ role: "assistant", content: null }),
      chunk(toolFragment(0, { id: "call_1", name: "f", arguments: "{}" })),
      chunk({}, "tool_calls"),
    ]);
    expect(completion.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    });
  });

  it("starts a new tool call when a new id arrives at a used index, and stringifies object arguments", () => {
    const completion = toCompletion([
      chunk(toolFragment(0, { id: "call_a", name: "a", arguments: '{"x":' })),
      chunk(toolFragment(0, { arguments: "1}" })),
      chunk({
        tool_calls: [{ index: 0, id: "call_b", type: "function", function: { name: "b", arguments: { y: [2] } } }],
      }),
      chunk({}, "tool_calls"),
    ]);
    expect(completion.choices[0]?.message?.tool_calls).toEqual([
      { id: "call_a", type: "function", function: { name: "a", arguments: '{"x":1}' } },
      { id: "call_b", type: "function", function: { name: "b", arguments: '{"y":[2]}' } },
    ]);
  });

  it("keeps extra fields: the last reasoning signature, choice fields such as matched_stop, logprobs concatenated, system_fingerprint", () => {
    const completion = toCompletion([
      { ...chunk({ role: "assistant", content: "" }), system_fingerprint: "fp_1" },
      chunk({ reasoning_signature: "sig-1" }),
      chunk({ content: "a" }, null, { logprobs: { content: [{ token: "a", logprob: -0.1 }] } }),
      chunk({ reasoning_signature: "sig-2" }),
      chunk({ content: "b" }, null, { logprobs: { content: [{ token: "b", logprob: -0.2 }] } }),
      chunk({}, "stop", { matched_stop: "END", logprobs: null }),
    ]);
    expect(completion.system_fingerprint).toBe("fp_1");
    expect(completion.choices[0]).toEqual({
      index: 0,
      finish_reason: "stop",
      matched_stop: "END",
      logprobs: {
        content: [
          { token: "a", logprob: -0.1 },
          { token: "b", logprob: -0.2 },
        ],
      },
      message: { role: "assistant", content: "ab", reasoning_signature: "sig-2" },
    });
  });

  it("never mutates the chunks", () => {
    const chunks = structuredClone([...REALISTIC_CHUNKS, USAGE_CHUNK]);
    toCompletion(chunks);
    expect(chunks).toEqual([...REALISTIC_CHUNKS, USAGE_CHUNK]);
  });
});

describe("toChunks", () => {
  const completion: ChatCompletion = {
    id: "chatcmpl-abc",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "openai/gpt-5-mini",
    system_fingerprint: "fp_2",
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        logprobs: null,
        message: {
          role: "assistant",
          content: "Let me check. ✓",
          refusal: null,
          reasoning_content: "The user wants the weather.",
          annotations: [],
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Zürich","units":"°C"}' },
            },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };

  it("streams role, reasoning, content, all tool calls and the finish, keeping id, created, model and top-level fields", () => {
    const chunks = toChunks(completion);
    expect(chunks.map((item) => item.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null, annotations: [] },
      { reasoning_content: "The user wants the weather." },
      { content: "Let me check. ✓" },
      {
        tool_calls: [
          {
            index: 0,
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Zürich","units":"°C"}' },
          },
          { index: 1, id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      {},
    ]);
    expect(chunks.map((item) => item.choices[0]?.finish_reason)).toEqual([null, null, null, null, "tool_calls"]);
    for (const item of chunks) {
      expect(item).toMatchObject({
        id: "chatcmpl-abc",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "openai/gpt-5-mini",
        system_fingerprint: "fp_2",
      });
      expect(item.usage).toBeUndefined();
    }
  });

  it("round-trips through toCompletion (with the usage chunk)", () => {
    const usageChunk: ChatCompletionChunk = {
      id: completion.id,
      object: "chat.completion.chunk",
      created: completion.created,
      model: completion.model,
      choices: [],
      usage: completion.usage,
    };
    expect(toCompletion([...toChunks(completion), usageChunk])).toEqual(completion);
  });

  it("round-trips a stream through toCompletion and back to the same content", () => {
    const accumulated = toCompletion([...REALISTIC_CHUNKS, USAGE_CHUNK]);
    const { usage, ...withoutUsage } = accumulated;
    expect(toCompletion(toChunks(accumulated))).toEqual(withoutUsage);
    expect(usage).toEqual(USAGE_CHUNK.usage);
  });

  it("keeps null content null and a refusal as its own chunk", () => {
    const refused: ChatCompletion = {
      ...completion,
      choices: [
        {
          index: 0,
          finish_reason: "stop",
          message: { role: "assistant", content: null, refusal: "I can't help with that." },
        },
      ],
    };
    const chunks = toChunks(refused);
    expect(chunks.map((item) => item.choices[0]?.delta)).toEqual([
      { role: "assistant", content: null, refusal: "" },
      { refusal: "I can't help with that." },
      {},
    ]);
    const { usage: _usage, ...expected } = refused;
    expect(toCompletion(chunks)).toEqual(expected);
  });

  it("streams array content as its joined text", () => {
    const parts: ChatCompletion = {
      ...completion,
      choices: [
        {
          index: 0,
          finish_reason: "stop",
          message: {
            role: "assistant",
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
        },
      ],
    };
    expect(toCompletion(toChunks(parts)).choices[0]?.message?.content).toBe("ab");
  });
});
