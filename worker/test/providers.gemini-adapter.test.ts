/**
 * The Gemini adapter against the provider simulator (local/provider-sim), over HTTP: a tool call's round trip, and a
 * stream's usage equal to the non-streamed answer's. The adapter's request building and error mapping are unit tests
 * next to it (worker/src/providers/gemini/gemini-adapter.test.ts); its stream parsing is checked there against
 * Google's published streams.
 */
import { describe, expect, inject, it } from "vitest";
import type { ChatCompletionRequest } from "../src/lib/openai-types.ts";
import { createGeminiAdapter } from "../src/providers/gemini/gemini-adapter.ts";
import { geminiChatContext } from "../src/providers/gemini/gemini-chat-context.fixture.ts";
import type { ChatContext } from "../src/providers/types.ts";
import { createTranslatedStreamBody, type StreamOutcome } from "../src/testing/stream-pipeline.ts";
import { openaiSurface } from "../src/surfaces/openai/openai-surface.ts";
import { zeroCost } from "../src/lib/cost.ts";

const adapter = createGeminiAdapter();

describe("createGeminiAdapter against the provider simulator", () => {
  const simulatorBase = () => `${inject("simulatorUrl")}/gemini`;
  const weatherTool = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  };

  async function send(context: ChatContext): Promise<Response> {
    const upstream = adapter.buildChatRequest(context);
    const response = await fetch(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    expect(response.status).toBe(200);
    return response;
  }

  it("round-trips a tool call: the call, then the tool result in the next request", async () => {
    const first = geminiChatContext(
      { messages: [{ role: "user", content: "Weather? [[sim tool=get_weather reasoning=1]]" }], tools: [weatherTool] },
      simulatorBase(),
    );
    const { body, usage } = adapter.parseChatResponse(await (await send(first)).json(), first);
    const message = body.choices[0]?.message as {
      tool_calls: Array<{ id: string; function: { name: string; arguments: string } }>;
    };
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(JSON.parse(message.tool_calls[0]?.function.arguments ?? "")).toMatchObject({
      city: "Dhaka",
      note: "café 🙂",
    });
    expect(usage).toMatchObject({ source: "provider", reasoning: 2 });

    const second = geminiChatContext(
      {
        messages: [
          ...first.request.messages,
          message,
          { role: "tool", tool_call_id: message.tool_calls[0]?.id, content: '{"celsius":31}' },
        ] as ChatCompletionRequest["messages"],
        tools: [weatherTool],
      },
      simulatorBase(),
    );
    const sent = JSON.parse(adapter.buildChatRequest(second).body) as {
      contents: Array<{ role: string; parts: unknown[] }>;
    };
    expect(sent.contents.slice(1)).toEqual([
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "get_weather", args: expect.objectContaining({ city: "Dhaka" }) },
            thoughtSignature: "skip_thought_signature_validator",
          },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { content: { celsius: 31 } } } }] },
    ]);
    // The simulator accepts the follow-up (its marker still asks for the tool, so it calls it again).
    const answer = adapter.parseChatResponse(await (await send(second)).json(), second);
    expect(answer.usage?.inputUncached).toBeGreaterThan(usage?.inputUncached ?? 0);
  });

  it("streams through the pipeline with usage equal to the non-streamed answer's", async () => {
    const marker = "Name a river. [[sim chunks=4 words=9 reasoning=2 cached=3]]";
    const streamed = geminiChatContext(
      { stream: true, messages: [{ role: "user", content: marker }], reasoning_effort: "low" },
      simulatorBase(),
    );
    const response = await send(streamed);
    let outcome: StreamOutcome | undefined;
    const text = await new Response(
      createTranslatedStreamBody({
        upstreamBody: response.body ?? new ReadableStream(),
        translator: adapter.createStreamTranslator(streamed),
        encoder: openaiSurface.createStreamEncoder({
          includeUsage: false,
          modelId: streamed.modelId,
          requestId: "req_test",
        }),
        abortUpstream: () => undefined,
        costOf: () => zeroCost,
        onEnd: (settled) => (outcome = settled),
      }),
    ).text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);

    const plain = geminiChatContext(
      { messages: [{ role: "user", content: marker }], reasoning_effort: "low" },
      simulatorBase(),
    );
    const { usage } = adapter.parseChatResponse(await (await send(plain)).json(), plain);
    expect(outcome).toMatchObject({ status: "ok" });
    expect(outcome?.usage).toEqual(usage);
    expect(usage).toMatchObject({ cacheRead: 3 });
  });
});
