import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { buildDialectBody } from "./build-dialect-body.ts";

const request: ChatCompletionRequest = {
  model: "x/y",
  messages: [{ role: "user", content: "Hi" }],
  stream: true,
  prediction: { type: "content", content: "a" },
  safety_identifier: "s",
};

describe("buildDialectBody", () => {
  it("sends store false and the default tier to OpenAI, whatever the request held", () => {
    const body = buildDialectBody("openai", { ...request, store: true, service_tier: "priority" }, "gpt-6-luna");
    expect(body).toMatchObject({
      model: "gpt-6-luna",
      store: false,
      service_tier: "default",
      prediction: { type: "content", content: "a" },
      stream_options: { include_usage: true },
    });
  });

  it("strips store, service_tier and OpenAI-only fields for the other providers", () => {
    const body = buildDialectBody("deepseek", { ...request, store: false, service_tier: "default" }, "deepseek-flash");
    for (const field of ["store", "service_tier", "prediction", "safety_identifier"])
      expect(body).not.toHaveProperty(field);
  });

  it("refuses a 1-hour cache write (no TTL split in the dialect's usage), naming the part", () => {
    const withTtl = (ttl: string): ChatCompletionRequest => ({
      ...request,
      messages: [{ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "ephemeral", ttl } }] }],
    });
    expect(() => buildDialectBody("qwen", withTtl("5m"), "qwen4-max")).not.toThrow();
    try {
      buildDialectBody("qwen", withTtl("1h"), "qwen4-max");
      throw new Error("not refused");
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).param).toBe("messages[0].content[0].cache_control.ttl");
    }
  });
});
