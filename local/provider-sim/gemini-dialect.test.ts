import { describe, expect, it } from "vitest";
import { postJson, readSse, useSimulator } from "./test-helpers.ts";
import { countTokens, reasoningText, replyText, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

const simulator = useSimulator();
const model = "gemini-3.8-flash";
const base = () => `${simulator.url}/gemini/v1beta/models/${model}`;
const key = { "x-goog-api-key": "AIza-test" };
const system = "Be concise.";
const user = "Name a river. [[sim chunks=3 words=7 reasoning=2 cached=3]]";
const body = {
  systemInstruction: { parts: [{ text: system }] },
  contents: [{ role: "user", parts: [{ text: user }] }],
};
const promptTokens = countTokens(system) + countTokens(user);
type Part = { text?: string; thought?: boolean; functionCall?: { name: string; args: unknown } };
type Chunk = {
  candidates: Array<{ content: { parts: Part[]; role: string }; finishReason?: string }>;
  usageMetadata: Record<string, number>;
};

describe("gemini dialect (raw fetch)", () => {
  it("answers generateContent with thought and text parts and usageMetadata", async () => {
    const response = await postJson(`${base()}:generateContent`, body, key);
    expect(response.status).toBe(200);
    const json = (await response.json()) as Chunk;
    const thoughts = reasoningText(model, 2);
    const text = replyText(model, 7);
    expect(json.candidates[0]?.content).toEqual({
      role: "model",
      parts: [{ text: thoughts, thought: true }, { text }],
    });
    expect(json.candidates[0]?.finishReason).toBe("STOP");
    expect(json.usageMetadata).toMatchObject({
      promptTokenCount: promptTokens,
      cachedContentTokenCount: 3,
      candidatesTokenCount: countTokens(text),
      thoughtsTokenCount: countTokens(thoughts),
      totalTokenCount: promptTokens + countTokens(text) + countTokens(thoughts),
    });
  });

  it("streams full GenerateContentResponse chunks over SSE, no [DONE], complete usage on the last", async () => {
    const response = await postJson(`${base()}:streamGenerateContent?alt=sse`, body, key);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const messages = await readSse(response);
    expect(messages.some((message) => message.data === "[DONE]")).toBe(false);
    const chunks = messages.map((message) => JSON.parse(message.data) as Chunk);
    expect(chunks).toHaveLength(6); // 3 thought pieces + 3 text pieces
    const parts = chunks.flatMap((chunk) => chunk.candidates[0]?.content.parts ?? []);
    expect(
      parts
        .filter((part) => !part.thought)
        .map((part) => part.text)
        .join(""),
    ).toBe(replyText(model, 7));
    expect(
      parts
        .filter((part) => part.thought)
        .map((part) => part.text)
        .join(""),
    ).toBe(reasoningText(model, 2));
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0]?.finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
    const nonStream = (await (await postJson(`${base()}:generateContent`, body, key)).json()) as Chunk;
    expect(chunks.at(-1)?.usageMetadata).toEqual(nonStream.usageMetadata);
    expect(chunks[0]?.usageMetadata.candidatesTokenCount).toBeUndefined();
  });

  it("answers streamGenerateContent without alt=sse as a JSON array of the same chunks", async () => {
    const response = await postJson(`${base()}:streamGenerateContent?key=AIza-query`, body);
    const chunks = (await response.json()) as Chunk[];
    expect(Array.isArray(chunks)).toBe(true);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
  });

  it("calls a declared function", async () => {
    const tools = [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object" } }] }];
    const toolBody = { contents: [{ role: "user", parts: [{ text: "Weather? [[sim tool=get_weather]]" }] }], tools };
    const messages = await readSse(await postJson(`${base()}:streamGenerateContent?alt=sse`, toolBody, key));
    const last = JSON.parse(messages.at(-1)?.data ?? "{}") as Chunk;
    expect(last.candidates[0]?.content.parts[0]?.functionCall).toEqual({
      name: "get_weather",
      args: JSON.parse(TOOL_ARGUMENTS_JSON),
    });
    expect(last.usageMetadata.promptTokenCount).toBe(
      countTokens("Weather? [[sim tool=get_weather]]") + countTokens(JSON.stringify(tools)),
    );
  });

  it("answers errors in the Gemini shape: 401 without a key, 400 bad JSON, 429 and 503 by directive", async () => {
    const anonymous = await postJson(`${base()}:generateContent`, body);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    const malformed = await postJson(`${base()}:generateContent`, "[1,", key);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    for (const [status, name] of [
      [429, "RESOURCE_EXHAUSTED"],
      [503, "UNAVAILABLE"],
    ] as const) {
      const errorBody = { contents: [{ role: "user", parts: [{ text: `[[sim error=${status}]]` }] }] };
      const response = await postJson(`${base()}:streamGenerateContent?alt=sse`, errorBody, key);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { code: status, message: expect.any(String), status: name } });
    }
  });
});
