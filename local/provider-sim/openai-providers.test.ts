import { describe, expect, it } from "vitest";
import { postJson, readSse, useSimulator } from "./test-helpers.ts";
import { countTokens, reasoningText, replyText } from "./tokens.ts";

const simulator = useSimulator();
const auth = { authorization: "Bearer provider-key" };
const prompt = "Tell me a fact. [[sim words=6 reasoning=5 cached=4 chunks=3]]";
const promptTokens = countTokens(prompt);
const request = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: prompt }],
  ...extra,
});
type Chunk = {
  choices: Array<{ delta: Record<string, string>; finish_reason: string | null; usage?: unknown }>;
  usage?: unknown;
};

async function streamChunks(path: string, model: string, includeUsage: boolean): Promise<Chunk[]> {
  const streamOptions = includeUsage ? { stream_options: { include_usage: true } } : {};
  const response = await postJson(`${simulator.url}${path}`, request(model, { stream: true, ...streamOptions }), auth);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const messages = await readSse(response);
  expect(messages.at(-1)?.data).toBe("[DONE]");
  return messages.slice(0, -1).map((message) => JSON.parse(message.data) as Chunk);
}

describe("OpenAI-compatible providers' quirks (raw fetch)", () => {
  it("deepseek: prompt_cache_hit/miss tokens, reasoning_content, and the /v1 alias", async () => {
    for (const path of ["/deepseek/chat/completions", "/deepseek/v1/chat/completions"]) {
      const response = await postJson(`${simulator.url}${path}`, request("deepseek-flash"), auth);
      const body = (await response.json()) as { choices: Array<{ message: Record<string, unknown> }>; usage: unknown };
      const reasoning = reasoningText("deepseek-flash", 5);
      const text = replyText("deepseek-flash", 6);
      expect(body.choices[0]?.message).toMatchObject({ content: text, reasoning_content: reasoning });
      const completionTokens = countTokens(reasoning) + countTokens(text);
      expect(body.usage).toEqual({
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_cache_hit_tokens: 4,
        prompt_cache_miss_tokens: promptTokens - 4,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: countTokens(reasoning) },
      });
    }
    const chunks = await streamChunks("/deepseek/chat/completions", "deepseek-flash", true);
    const reasoningPieces = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoningPieces).toBe(reasoningText("deepseek-flash", 5));
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_cache_hit_tokens: 4 });
  });

  it("moonshot: top-level usage.cached_tokens, and usage inside choices[0] of the finish chunk", async () => {
    const response = await postJson(`${simulator.url}/moonshot/v1/chat/completions`, request("kimi-k3"), auth);
    const body = (await response.json()) as { usage: Record<string, unknown> };
    expect(body.usage).toEqual({
      prompt_tokens: promptTokens,
      completion_tokens: countTokens(reasoningText("kimi-k3", 5)) + countTokens(replyText("kimi-k3", 6)),
      total_tokens: promptTokens + (body.usage.completion_tokens as number),
      cached_tokens: 4,
    });
    const chunks = await streamChunks("/moonshot/v1/chat/completions", "kimi-k3", false);
    const finish = chunks.at(-1);
    expect(finish?.choices[0]?.finish_reason).toBe("stop");
    expect(finish?.choices[0]?.usage).toEqual(body.usage);
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it("qwen and zai: OpenAI usage shape; include_usage chunk only when asked", async () => {
    for (const [path, model] of [
      ["/qwen/compatible-mode/v1/chat/completions", "qwen4-max"],
      ["/zai/api/paas/v4/chat/completions", "glm-5.3"],
    ] as const) {
      const withUsage = await streamChunks(path, model, true);
      expect(withUsage.at(-1)?.choices).toEqual([]);
      expect(withUsage.at(-1)?.usage).toMatchObject({
        prompt_tokens: promptTokens,
        prompt_tokens_details: { cached_tokens: 4 },
      });
      const text = withUsage.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
      expect(text).toBe(replyText(model, 6));
      const without = await streamChunks(path, model, false);
      expect(without.some((chunk) => chunk.usage !== undefined || chunk.choices.length === 0)).toBe(false);
    }
  });

  it("minimax: reasoning inline in <think> tags inside content", async () => {
    const response = await postJson(`${simulator.url}/minimax/v1/chat/completions`, request("MiniMax-M3"), auth);
    const body = (await response.json()) as { choices: Array<{ message: Record<string, unknown> }> };
    const expected = `<think>\n${reasoningText("MiniMax-M3", 5)}\n</think>\n\n${replyText("MiniMax-M3", 6)}`;
    expect(body.choices[0]?.message.content).toBe(expected);
    expect(body.choices[0]?.message.reasoning_content).toBeUndefined();
    const chunks = await streamChunks("/minimax/v1/chat/completions", "MiniMax-M3", false);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(expected);
  });

  it("records metadata of requests, bodies only on request", async () => {
    await postJson(
      `${simulator.url}/qwen/compatible-mode/v1/chat/completions`,
      request("qwen4-max", {
        stream: true,
        stream_options: { include_usage: true },
      }),
      auth,
    ).then((response) => response.text());
    const list = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as {
      requests: Array<Record<string, unknown>>;
    };
    expect(list.requests).toHaveLength(1);
    expect(list.requests[0]).toMatchObject({
      provider: "qwen",
      path: "/qwen/compatible-mode/v1/chat/completions",
      model: "qwen4-max",
      stream: true,
      stream_options: { include_usage: true },
      auth: { header: "authorization", credential_length: "provider-key".length },
      status: 200,
      outcome: "completed",
      usage: { prompt_tokens: promptTokens, cached_tokens: 4 },
    });
    expect(list.requests[0]?.body).toBeUndefined();
    const withBodies = (await (await fetch(`${simulator.url}/_sim/requests?body=1`)).json()) as {
      requests: Array<Record<string, unknown>>;
    };
    expect(withBodies.requests[0]?.body).toMatchObject({ model: "qwen4-max" });
    await fetch(`${simulator.url}/_sim/requests`, { method: "DELETE" });
    const cleared = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as { requests: unknown[] };
    expect(cleared.requests).toEqual([]);
  });
});
