import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { ChatContext } from "../types.ts";
import { createAnthropicAdapter } from "./anthropic-adapter.ts";

const API_KEY = "sk-ant-api03-secretsecretsecret";

const contextFor = (request: Record<string, unknown>, baseUrl = "https://api.anthropic.com/"): ChatContext => ({
  request: {
    model: "anthropic/claude-test",
    messages: [{ role: "user", content: "hi" }],
    ...request,
  } as ChatCompletionRequest,
  modelId: "anthropic/claude-test",
  upstreamModel: "claude-test-1",
  target: { baseUrl, apiKey: API_KEY },
});

describe("createAnthropicAdapter", () => {
  const adapter = createAnthropicAdapter();

  it("is the anthropic provider with Anthropic's base URL", () => {
    expect(adapter.id).toBe("anthropic");
    expect(adapter.defaultBaseUrl).toBe("https://api.anthropic.com");
  });

  it("posts to {baseUrl}/v1/messages with x-api-key and anthropic-version, and no bearer token", () => {
    const upstream = adapter.buildChatRequest(contextFor({ stream: true, reasoning_effort: "low" }));
    expect(upstream.url).toBe("https://api.anthropic.com/v1/messages");
    expect(upstream.headers).toEqual({
      "x-api-key": API_KEY,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      accept: "text/event-stream",
    });
    expect(JSON.parse(upstream.body)).toEqual({
      model: "claude-test-1",
      max_tokens: 8192 + 1024,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      stream: true,
      thinking: { type: "enabled", budget_tokens: 1024 },
      service_tier: "standard_only",
    });
  });

  it("works against a simulator base URL and asks for JSON when not streaming", () => {
    const upstream = adapter.buildChatRequest(contextFor({}, "http://127.0.0.1:8790/anthropic"));
    expect(upstream.url).toBe("http://127.0.0.1:8790/anthropic/v1/messages");
    expect(upstream.headers.accept).toBe("application/json");
  });

  it("lets the registry pick adaptive thinking per upstream model", () => {
    const adaptive = createAnthropicAdapter({
      thinkingStyle: (model) => (model === "claude-test-1" ? "adaptive" : "budget"),
    });
    expect(JSON.parse(adaptive.buildChatRequest(contextFor({ reasoning_effort: "medium" })).body)).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "medium" },
    });
  });

  it("parses a non-streamed Message with the catalog model id", () => {
    const json = {
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "ok" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 3, output_tokens: 1 },
    };
    const { body, usage } = adapter.parseChatResponse(json, contextFor({}));
    expect(body).toMatchObject({
      id: "msg_1",
      model: "anthropic/claude-test",
      choices: [{ message: { content: "ok" }, finish_reason: "stop" }],
    });
    expect(usage).toMatchObject({ inputUncached: 3, output: 1 });
  });

  describe("mapError", () => {
    const anthropicError = (type: string, message: string) =>
      JSON.stringify({ type: "error", error: { type, message } });

    it("maps 529 overloaded to 503 upstream_unavailable", () => {
      const error = adapter.mapError(
        529,
        new Headers(),
        anthropicError("overloaded_error", "Overloaded"),
        contextFor({}),
      );
      expect(error).toMatchObject({ code: "upstream_unavailable", status: 503 });
    });

    it("keeps Retry-After on 429", () => {
      const error = adapter.mapError(
        429,
        new Headers({ "retry-after": "7" }),
        anthropicError("rate_limit_error", "slow down"),
        contextFor({}),
      );
      expect(error).toMatchObject({ code: "upstream_rate_limited", status: 429, headers: { "retry-after": "7" } });
    });

    it("hides credential failures as a generic 503 and redacts the key from 400 messages", () => {
      expect(
        adapter.mapError(
          401,
          new Headers(),
          anthropicError("authentication_error", `invalid x-api-key ${API_KEY}`),
          contextFor({}),
        ),
      ).toMatchObject({
        code: "upstream_account_error",
        status: 503,
      });
      const invalid = adapter.mapError(
        400,
        new Headers(),
        anthropicError("invalid_request_error", `max_tokens: too large (key ${API_KEY})`),
        contextFor({}),
      );
      expect(invalid).toMatchObject({ code: "invalid_request", status: 400 });
      expect(invalid.message).toContain("max_tokens: too large");
      expect(invalid.message).not.toContain(API_KEY);
    });
  });
});
