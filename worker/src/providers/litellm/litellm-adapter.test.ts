import { describe, expect, it } from "vitest";
import { convertLiteLLMUsage, createLiteLLMAdapter } from "./litellm-adapter.ts";

describe("convertLiteLLMUsage", () => {
  it("reads LiteLLM's OpenAI-shaped usage: cached reads inside prompt_tokens, reasoning inside completion_tokens", () => {
    // The shape LiteLLM's proxy returns (litellm.Usage), e.g. for deepseek/deepseek-chat.
    const usage = {
      prompt_tokens: 1253,
      completion_tokens: 594,
      total_tokens: 1847,
      completion_tokens_details: { audio_tokens: null, reasoning_tokens: 120 },
      prompt_tokens_details: { audio_tokens: null, cached_tokens: 1024 },
    };
    expect(convertLiteLLMUsage(usage)).toEqual({
      inputUncached: 229,
      cacheRead: 1024,
      cacheWrite: 0,
      output: 594,
      reasoning: 120,
      source: "provider",
    });
  });

  it("falls back to the provider-style cache fields LiteLLM passes along when the details are absent", () => {
    expect(
      convertLiteLLMUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 60 }),
    ).toMatchObject({ inputUncached: 40, cacheRead: 60 });
    expect(
      convertLiteLLMUsage({
        prompt_tokens: 100,
        completion_tokens: 5,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 50,
      }),
    ).toMatchObject({ inputUncached: 20, cacheRead: 30, cacheWrite: 50 });
  });

  it("never counts more cached tokens than the prompt had", () => {
    expect(convertLiteLLMUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } })).toMatchObject({
      inputUncached: 0,
      cacheRead: 10,
    });
  });
});

describe("createLiteLLMAdapter", () => {
  it("answers as the catalog model and bills from the stream's usage chunk", () => {
    const adapter = createLiteLLMAdapter("deepseek");
    const context = {
      request: { model: "deepseek/deepseek-flash", messages: [{ role: "user" as const, content: "hi" }] },
      modelId: "deepseek/deepseek-flash",
      upstreamModel: "deepseek/deepseek-flash",
      target: { apiKey: "k", baseUrl: "http://litellm.test" },
    };
    const parts = adapter.createStreamTranslator(context).translate({
      event: undefined,
      id: undefined,
      data: JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion.chunk",
        created: 1,
        model: "deepseek-flash",
        choices: [],
        usage: { prompt_tokens: 8, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 2 } },
      }),
    });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({
      type: "usage-final",
      usage: { inputUncached: 6, cacheRead: 2, output: 3 },
      chunk: { model: "deepseek/deepseek-flash" },
    });
  });
});
