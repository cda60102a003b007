import { describe, expect, it } from "vitest";
import type { ModelRoute } from "../../catalog/types.ts";
import { GatewayError } from "../../errors.ts";
import { PROVIDERS } from "../../providers/index.ts";
import type { ChatContext } from "../../providers/types.ts";
import { responsesNativeForward } from "./native-forward.ts";

const route = { provider: "openai", upstreamModel: "gpt-up" } as ModelRoute;
const target = { baseUrl: "https://sim.invalid/openai/v1/", apiKey: "sk-upstream" };
const chat = { modelId: "openai/gpt-x" } as ChatContext;
const cost = {
  microUsd: 1234,
  parts: { input: 0.0002, cacheRead: 0.00001, cacheWrite: 0.00002, output: 0.001, reasoning: 0.0004 },
};
const answer = {
  id: "resp_1",
  object: "response",
  status: "completed",
  model: "gpt-up",
  output: [
    { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "plan" }], encrypted_content: "opaque" },
    { id: "msg_1", type: "message", role: "assistant", content: [{ type: "output_text", text: "Hi!" }] },
    { id: "fc_1", type: "function_call", call_id: "c", name: "f", arguments: '{"a":1}' },
  ],
  usage: {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 },
    output_tokens: 20,
    output_tokens_details: { reasoning_tokens: 5 },
    total_tokens: 120,
  },
};

describe("responsesNativeForward", () => {
  it("posts the client's body to {baseUrl}/responses: the route's model, store false, the default tier", () => {
    const body = { model: "openai/gpt-x", input: "hi", store: true, stream: true, include: ["x"], client_metadata: {} };
    const request = responsesNativeForward(body).buildRequest(route, target);
    expect(request.url).toBe("https://sim.invalid/openai/v1/responses");
    expect(request.headers).toEqual({
      authorization: "Bearer sk-upstream",
      "content-type": "application/json",
      accept: "text/event-stream",
    });
    expect(JSON.parse(request.body)).toEqual({ ...body, model: "gpt-up", store: false, service_tier: "default" });
    expect(body.store).toBe(true);
  });

  it("asks for encrypted reasoning for a reasoning model (store is false), never for another", () => {
    const forwarded = (model: string, include?: string[]) =>
      JSON.parse(
        responsesNativeForward({ model, input: "hi", ...(include ? { include } : {}) }).buildRequest(route, target)
          .body,
      ) as {
        include?: string[];
      };
    expect(forwarded("openai/gpt-6.1-terra").include).toEqual(["reasoning.encrypted_content"]);
    expect(forwarded("openai/gpt-6.1-terra", ["message.output_text.logprobs"]).include).toEqual([
      "message.output_text.logprobs",
      "reasoning.encrypted_content",
    ]);
    expect(forwarded("openai/gpt-6.1-terra", ["reasoning.encrypted_content"]).include).toEqual([
      "reasoning.encrypted_content",
    ]);
    expect(forwarded("openai/gpt-6-luna").include).toBeUndefined();
  });

  it("forwards only the tools the client runs, never a tool OpenAI runs and bills per call", () => {
    const kept = [
      { type: "function", name: "exec_command" },
      { type: "custom", name: "apply_patch" },
      { type: "namespace", name: "multi_agent_v1", tools: [] },
    ];
    const hosted = [{ type: "web_search" }, { type: "file_search" }, { type: "mcp" }, { type: "code_interpreter" }];
    const body = { model: "openai/gpt-x", input: "hi", tools: [hosted[0], ...kept, ...hosted.slice(1)] };
    const request = responsesNativeForward({ ...body, service_tier: "priority" }).buildRequest(route, target);
    expect(JSON.parse(request.body)).toMatchObject({ tools: kept, service_tier: "default" });
  });

  it("reads the usage without counting cached tokens twice, and the generated size", () => {
    const read = responsesNativeForward({}).readJson(answer, chat, PROVIDERS.openai);
    expect(read).toEqual({
      usage: { inputUncached: 30, cacheRead: 60, cacheWrite: 10, output: 20, reasoning: 5, source: "provider" },
      generatedCharacters: "plan".length + "Hi!".length + '{"a":1}'.length,
      reasoningCharacters: "plan".length,
      finishReason: "tool_calls",
      cacheable: null,
    });
    expect(responsesNativeForward({}).readJson({ ...answer, usage: null }, chat, PROVIDERS.openai).usage).toBeNull();
  });

  it("refuses an unreadable or failed answer with a typed error that never quotes OpenAI", () => {
    const native = responsesNativeForward({});
    expect(() => native.readJson({ choices: [] }, chat, PROVIDERS.openai)).toThrow(GatewayError);
    const failed = { ...answer, status: "failed", error: { code: "server_error", message: "secret detail" } };
    try {
      native.readJson(failed, chat, PROVIDERS.openai);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe("upstream_error");
      expect((error as GatewayError).message).not.toContain("secret");
    }
  });

  it("renders the answer as received with the catalog model and the cost in its usage", () => {
    expect(responsesNativeForward({}).renderJson(answer, "openai/gpt-x", cost)).toEqual({
      ...answer,
      model: "openai/gpt-x",
      usage: {
        ...answer.usage,
        cost: 0.001234,
        cost_details: { input: 0.0002, cache_read: 0.00001, cache_write: 0.00002, output: 0.001, reasoning: 0.0004 },
      },
    });
  });
});
