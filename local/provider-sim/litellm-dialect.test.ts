import { describe, expect, it } from "vitest";
import { LITELLM_STAND_IN_VERSION } from "./litellm-dialect.ts";
import { postJson, readSse, useSimulator } from "./test-helpers.ts";
import { countTokens, replyText } from "./tokens.ts";

const simulator = useSimulator();
const auth = { authorization: "Bearer sk-litellm" };
const prompt = "Relay this. [[sim words=5 cached=3 chunks=2]]";
const promptTokens = countTokens(prompt);

describe("the LiteLLM proxy stand-in (/litellm)", () => {
  it("answers a provider-prefixed model in OpenAI's shape with LiteLLM's usage and headers", async () => {
    for (const path of ["/litellm/chat/completions", "/litellm/v1/chat/completions"]) {
      const response = await postJson(
        `${simulator.url}${path}`,
        { model: "deepseek/deepseek-flash", messages: [{ role: "user", content: prompt }] },
        auth,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("x-litellm-version")).toBe(LITELLM_STAND_IN_VERSION);
      expect(response.headers.get("x-litellm-model-group")).toBe("deepseek/deepseek-flash");
      expect(response.headers.get("x-litellm-call-id")).toBeTruthy();
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }>; usage: unknown };
      const text = replyText("deepseek/deepseek-flash", 5);
      expect(body.choices[0]?.message.content).toBe(text);
      expect(body.usage).toEqual({
        prompt_tokens: promptTokens,
        completion_tokens: countTokens(text),
        total_tokens: promptTokens + countTokens(text),
        prompt_tokens_details: { cached_tokens: 3 },
        completion_tokens_details: { reasoning_tokens: 0 },
      });
    }
  });

  it("streams with the usage chunk when include_usage is asked for", async () => {
    const response = await postJson(
      `${simulator.url}/litellm/chat/completions`,
      {
        model: "dashscope/qwen4-max",
        messages: [{ role: "user", content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
      },
      auth,
    );
    const messages = await readSse(response);
    expect(messages.at(-1)?.data).toBe("[DONE]");
    const usageChunk = JSON.parse(messages.at(-2)?.data ?? "{}") as { choices: unknown[]; usage: unknown };
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({
      prompt_tokens: promptTokens,
      prompt_tokens_details: { cached_tokens: 3 },
    });
  });

  it("refuses a model without a LiteLLM provider prefix, and a request without a key, as LiteLLM does", async () => {
    const unprefixed = await postJson(
      `${simulator.url}/litellm/chat/completions`,
      { model: "deepseek-flash", messages: [{ role: "user", content: "hi" }] },
      auth,
    );
    expect(unprefixed.status).toBe(400);
    expect(((await unprefixed.json()) as { error: { message: string } }).error.message).toContain(
      "LLM Provider NOT provided",
    );
    const unauthenticated = await postJson(`${simulator.url}/litellm/chat/completions`, {
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(unauthenticated.status).toBe(401);
  });
});
