import { describe, expect, it } from "vitest";
import { createGeminiAdapter } from "./gemini-adapter.ts";
import { GEMINI_TEST_API_KEY, geminiChatContext } from "./gemini-chat-context.fixture.ts";

const adapter = createGeminiAdapter();

describe("createGeminiAdapter", () => {
  it("has the gemini id and Google's base URL", () => {
    expect(adapter.id).toBe("gemini");
    expect(adapter.defaultBaseUrl).toBe("https://generativelanguage.googleapis.com");
  });

  it("calls generateContent, or streamGenerateContent?alt=sse for streams, with the key in x-goog-api-key only", () => {
    const plain = adapter.buildChatRequest(geminiChatContext({}));
    expect(plain.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:generateContent");
    expect(plain.headers).toEqual({
      "x-goog-api-key": GEMINI_TEST_API_KEY,
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(JSON.parse(plain.body)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });

    const streamed = adapter.buildChatRequest(geminiChatContext({ stream: true }));
    expect(streamed.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse",
    );
    expect(streamed.headers.accept).toBe("text/event-stream");
    expect(streamed.url).not.toContain(GEMINI_TEST_API_KEY);
    expect(streamed.body).not.toContain(GEMINI_TEST_API_KEY);
  });

  it("asks each model for thinking in the style the registry gives it", () => {
    const levels = createGeminiAdapter({
      thinkingStyle: (model) => (model.startsWith("gemini-3") ? "level" : "budget"),
    });
    const body = JSON.parse(levels.buildChatRequest(geminiChatContext({ reasoning_effort: "low" })).body) as {
      generationConfig: unknown;
    };
    expect(body.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: "low", includeThoughts: true } });
    const budget = JSON.parse(adapter.buildChatRequest(geminiChatContext({ reasoning_effort: "low" })).body) as {
      generationConfig: unknown;
    };
    expect(budget.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
  });

  it("maps Gemini error bodies without leaking the key, and an invalid key to a 502 that blames no caller", () => {
    const context = geminiChatContext({});
    const body = (code: number, message: string, status: string, details: unknown[] = []) =>
      JSON.stringify({ error: { code, message, status, details } });

    const limited = adapter.mapError(
      429,
      new Headers({ "retry-after": "7" }),
      body(429, "Quota exceeded", "RESOURCE_EXHAUSTED"),
      context,
    );
    expect(limited).toMatchObject({ code: "upstream_rate_limited", status: 429, headers: { "retry-after": "7" } });

    const invalid = adapter.mapError(
      400,
      new Headers(),
      body(400, `Bad value near ${GEMINI_TEST_API_KEY}`, "INVALID_ARGUMENT"),
      context,
    );
    expect(invalid).toMatchObject({ code: "invalid_request", status: 400 });
    expect(invalid.message).toContain("Bad value near [redacted]");
    expect(invalid.message).not.toContain(GEMINI_TEST_API_KEY);

    const badKey = adapter.mapError(
      400,
      new Headers(),
      body(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" },
      ]),
      context,
    );
    expect(badKey).toMatchObject({ code: "upstream_account_error", status: 503 });
    expect(badKey.message).not.toContain("API key not valid");

    expect(adapter.mapError(503, new Headers(), body(503, "overloaded", "UNAVAILABLE"), context)).toMatchObject({
      code: "upstream_unavailable",
    });
    expect(adapter.mapError(500, new Headers(), "<html>oops</html>", context)).toMatchObject({
      code: "upstream_error",
      status: 502,
    });
  });
});
