import { describe, expect, it } from "vitest";
import { geminiCountTokensRequest, readGeminiTokenCount } from "./gemini-count-tokens.ts";

describe("geminiCountTokensRequest", () => {
  it("wraps the generateContent body (without generationConfig) and calls :countTokens with the same key", () => {
    const generate = {
      url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse",
      headers: { "x-goog-api-key": "AIza-k", "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        systemInstruction: { parts: [{ text: "be brief" }] },
        tools: [{ functionDeclarations: [{ name: "f" }] }],
        generationConfig: { maxOutputTokens: 10 },
      }),
    };
    const count = geminiCountTokensRequest(generate, "gemini-3.8-flash");
    expect(count.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-3.8-flash:countTokens");
    expect(count.headers).toMatchObject({ "x-goog-api-key": "AIza-k", accept: "application/json" });
    expect(JSON.parse(count.body)).toEqual({
      generateContentRequest: {
        model: "models/gemini-3.8-flash",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        systemInstruction: { parts: [{ text: "be brief" }] },
        tools: [{ functionDeclarations: [{ name: "f" }] }],
      },
    });
  });

  it("reads totalTokens, and nothing else", () => {
    expect(readGeminiTokenCount({ totalTokens: 12, promptTokensDetails: [] })).toBe(12);
    expect(readGeminiTokenCount({ totalTokens: "12" })).toBeNull();
    expect(readGeminiTokenCount({ totalTokens: -1 })).toBeNull();
    expect(readGeminiTokenCount(null)).toBeNull();
  });
});
