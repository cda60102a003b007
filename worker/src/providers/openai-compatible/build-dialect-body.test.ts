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

  describe("cache lifetimes", () => {
    const withTtl = (ttl: string): ChatCompletionRequest => ({
      ...request,
      messages: [{ role: "user", content: [{ type: "text", text: "x", cache_control: { type: "ephemeral", ttl } }] }],
    });
    const markerOf = (body: Record<string, unknown>) =>
      ((body.messages as Array<{ content: Array<{ cache_control?: unknown }> }>)[0]?.content ?? [])[0]?.cache_control;

    it("Qwen keeps a 5-minute and a 1-hour marker as sent (its usage reports writes by TTL)", () => {
      expect(markerOf(buildDialectBody("qwen", withTtl("5m"), "qwen4-max"))).toEqual({ type: "ephemeral", ttl: "5m" });
      expect(markerOf(buildDialectBody("qwen", withTtl("1h"), "qwen4-max"))).toEqual({ type: "ephemeral", ttl: "1h" });
    });

    it("Z.ai keeps the marker without its TTL (one cache lifetime)", () => {
      expect(markerOf(buildDialectBody("zai", withTtl("1h"), "glm-5.3"))).toEqual({ type: "ephemeral" });
    });

    it("refuses a lifetime that is neither 5m nor 1h, naming the part", () => {
      for (const provider of ["qwen", "zai"] as const) {
        try {
          buildDialectBody(provider, withTtl("2h"), "model");
          throw new Error("not refused");
        } catch (error) {
          expect(error).toBeInstanceOf(GatewayError);
          expect((error as GatewayError).param).toBe("messages[0].content[0].cache_control.ttl");
        }
      }
    });
  });

  const marked: ChatCompletionRequest = {
    ...request,
    messages: [
      {
        role: "system",
        content: [
          { type: "text", text: "Rules." },
          { type: "text", text: "More.", cache_control: { type: "ephemeral", ttl: "1h" } },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }] },
      {
        role: "user",
        content: [
          { type: "text", text: "Look", cache_control: { type: "ephemeral" } },
          { type: "image_url", image_url: { url: "https://example.test/a.png" } },
        ],
      },
    ],
    tools: [{ type: "function", function: { name: "f" }, cache_control: { type: "ephemeral" } }],
  };

  it.each(["openai", "deepseek", "moonshot", "minimax"] as const)(
    "drops every cache marker for %s (automatic caching), whatever its TTL, never a 400",
    (provider) => {
      const body = buildDialectBody(provider, marked, "m");
      expect(JSON.stringify(body)).not.toContain("cache_control");
      const messages = body.messages as Array<{ content: unknown }>;
      // Text-only parts become one string again; parts with an image stay parts.
      expect(messages[0]?.content).toBe("Rules.\n\nMore.");
      expect(messages[1]?.content).toBe("Hi");
      expect(messages[2]?.content).toEqual([
        { type: "text", text: "Look" },
        { type: "image_url", image_url: { url: "https://example.test/a.png" } },
      ]);
    },
  );

  it.each(["qwen", "zai"] as const)("passes 5-minute cache markers to %s (explicit cache)", (provider) => {
    const fiveMinutes = JSON.parse(JSON.stringify(marked).replace(',"ttl":"1h"', "")) as ChatCompletionRequest;
    const body = buildDialectBody(provider, fiveMinutes, "m");
    expect(body.messages).toEqual(fiveMinutes.messages);
    expect(body.tools).toEqual(fiveMinutes.tools);
  });
});
