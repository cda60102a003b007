import { describe, expect, inject, it } from "vitest";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { createTranslatedStreamBody, type StreamOutcome } from "../../testing/stream-pipeline.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import type { ChatContext } from "../types.ts";
import { createGeminiAdapter } from "./gemini-adapter.ts";

const adapter = createGeminiAdapter();
const API_KEY = "AIzaSyTestKey0123456789abcdefghijklmn";

function contextFor(request: Partial<ChatCompletionRequest>, baseUrl = "https://generativelanguage.googleapis.com/"): ChatContext {
  return {
    request: { model: "gemini/gemini-3.8-flash", messages: [{ role: "user", content: "Hi" }], ...request } as ChatCompletionRequest,
    modelId: "gemini/gemini-3.8-flash",
    upstreamModel: "gemini-3.8-flash",
    target: { baseUrl, apiKey: API_KEY },
  };
}

describe("createGeminiAdapter", () => {
  it("has the gemini id and Google's base URL", () => {
    expect(adapter.id).toBe("gemini");
    expect(adapter.defaultBaseUrl).toBe("https://generativelanguage.googleapis.com");
  });

  it("calls generateContent, or streamGenerateContent?alt=sse for streams, with the key in x-goog-api-key only", () => {
    const plain = adapter.buildChatRequest(contextFor({}));
    expect(plain.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:generateContent");
    expect(plain.headers).toEqual({ "x-goog-api-key": API_KEY, "content-type": "application/json", accept: "application/json" });
    expect(JSON.parse(plain.body)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });

    const streamed = adapter.buildChatRequest(contextFor({ stream: true }));
    expect(streamed.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse");
    expect(streamed.headers.accept).toBe("text/event-stream");
    expect(streamed.url).not.toContain(API_KEY);
    expect(streamed.body).not.toContain(API_KEY);
  });

  it("asks each model for thinking in the style the registry gives it", () => {
    const levels = createGeminiAdapter({ thinkingStyle: (model) => (model.startsWith("gemini-3") ? "level" : "budget") });
    const body = JSON.parse(levels.buildChatRequest(contextFor({ reasoning_effort: "low" })).body) as { generationConfig: unknown };
    expect(body.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: "low", includeThoughts: true } });
    const budget = JSON.parse(adapter.buildChatRequest(contextFor({ reasoning_effort: "low" })).body) as { generationConfig: unknown };
    expect(budget.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
  });

  it("maps Gemini error bodies without leaking the key, and an invalid key to a 502 that blames no caller", () => {
    const context = contextFor({});
    const body = (code: number, message: string, status: string, details: unknown[] = []) => JSON.stringify({ error: { code, message, status, details } });

    const limited = adapter.mapError(429, new Headers({ "retry-after": "7" }), body(429, "Quota exceeded", "RESOURCE_EXHAUSTED"), context);
    expect(limited).toMatchObject({ code: "upstream_rate_limited", status: 429, headers: { "retry-after": "7" } });

    const invalid = adapter.mapError(400, new Headers(), body(400, `Bad value near ${API_KEY}`, "INVALID_ARGUMENT"), context);
    expect(invalid).toMatchObject({ code: "invalid_request", status: 400 });
    expect(invalid.message).toContain("Bad value near [redacted]");
    expect(invalid.message).not.toContain(API_KEY);

    const badKey = adapter.mapError(400, new Headers(), body(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", [
      { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" },
    ]), context);
    expect(badKey).toMatchObject({ code: "upstream_account_error", status: 503 });
    expect(badKey.message).not.toContain("API key not valid");

    expect(adapter.mapError(503, new Headers(), body(503, "overloaded", "UNAVAILABLE"), context)).toMatchObject({ code: "upstream_unavailable" });
    expect(adapter.mapError(500, new Headers(), "<html>oops</html>", context)).toMatchObject({ code: "upstream_error", status: 502 });
  });
});

describe("createGeminiAdapter against the provider simulator", () => {
  const simulatorBase = () => `${inject("simulatorUrl")}/gemini`;
  const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

  async function send(context: ChatContext): Promise<Response> {
    const upstream = adapter.buildChatRequest(context);
    const response = await fetch(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    expect(response.status).toBe(200);
    return response;
  }

  it("round-trips a tool call: the call, then the tool result in the next request", async () => {
    const first = contextFor({ messages: [{ role: "user", content: "Weather? [[sim tool=get_weather reasoning=1]]" }], tools: [weatherTool] }, simulatorBase());
    const { body, usage } = adapter.parseChatResponse(await (await send(first)).json(), first);
    const message = body.choices[0]?.message as { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(JSON.parse(message.tool_calls[0]?.function.arguments ?? "")).toMatchObject({ city: "Dhaka", note: "café 🙂" });
    expect(usage).toMatchObject({ source: "provider", reasoning: 2 });

    const second = contextFor({
      messages: [...first.request.messages, message, { role: "tool", tool_call_id: message.tool_calls[0]?.id, content: '{"celsius":31}' }] as ChatCompletionRequest["messages"],
      tools: [weatherTool],
    }, simulatorBase());
    const sent = JSON.parse(adapter.buildChatRequest(second).body) as { contents: Array<{ role: string; parts: unknown[] }> };
    expect(sent.contents.slice(1)).toEqual([
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: expect.objectContaining({ city: "Dhaka" }) }, thoughtSignature: "skip_thought_signature_validator" }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { content: { celsius: 31 } } } }] },
    ]);
    // The simulator accepts the follow-up (its marker still asks for the tool, so it calls it again).
    const answer = adapter.parseChatResponse(await (await send(second)).json(), second);
    expect(answer.usage?.inputUncached).toBeGreaterThan(usage?.inputUncached ?? 0);
  });

  it("streams through the pipeline with usage equal to the non-streamed answer's", async () => {
    const marker = "Name a river. [[sim chunks=4 words=9 reasoning=2 cached=3]]";
    const streamed = contextFor({ stream: true, messages: [{ role: "user", content: marker }], reasoning_effort: "low" }, simulatorBase());
    const response = await send(streamed);
    let outcome: StreamOutcome | undefined;
    const text = await new Response(createTranslatedStreamBody({
      upstreamBody: response.body ?? new ReadableStream(),
      translator: adapter.createStreamTranslator(streamed),
      encoder: openaiSurface.createStreamEncoder({ includeUsage: false, modelId: streamed.modelId, requestId: "req_test" }),
      abortUpstream: () => undefined,
      onEnd: (settled) => (outcome = settled),
    })).text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);

    const plain = contextFor({ messages: [{ role: "user", content: marker }], reasoning_effort: "low" }, simulatorBase());
    const { usage } = adapter.parseChatResponse(await (await send(plain)).json(), plain);
    expect(outcome).toMatchObject({ status: "ok" });
    expect(outcome?.usage).toEqual(usage);
    expect(usage).toMatchObject({ cacheRead: 3 });
  });
});
