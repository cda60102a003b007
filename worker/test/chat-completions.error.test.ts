import { describe, expect, it } from "vitest";
import OpenAI from "openai";
import { bearer, chatBody, gatewayFetch, openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";

async function expectOpenAIError(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

describe("bad input answers in OpenAI's error shape with the right status", () => {
  it("401 without a key, with a malformed key and with an unknown key", async () => {
    await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", { method: "POST", body: chatBody() }),
      401,
      "missing_api_key",
    );
    await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer("not-a-key"), body: chatBody() }),
      401,
      "invalid_api_key",
    );
    const unknown = `sk-omni-${"A".repeat(40)}`;
    const error = await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(unknown), body: chatBody() }),
      401,
      "invalid_api_key",
    );
    expect(error.type).toBe("authentication_error");
  });

  it("400 for malformed JSON, a non-object body, a missing model, bad messages and bad parameter types", async () => {
    const { apiKey } = await seedAccount();
    const post = (body: string) =>
      gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body });
    await expectOpenAIError(await post("{not json"), 400, "invalid_json");
    await expectOpenAIError(await post(""), 400, "invalid_json");
    await expectOpenAIError(await post("[1,2]"), 400, "invalid_request");
    expect((await expectOpenAIError(await post(JSON.stringify({ messages: [] })), 400, "invalid_request")).param).toBe(
      "model",
    );
    expect((await expectOpenAIError(await post(chatBody({ messages: [] })), 400, "invalid_request")).param).toBe(
      "messages",
    );
    expect(
      (
        await expectOpenAIError(
          await post(chatBody({ messages: [{ role: "robot", content: "x" }] })),
          400,
          "invalid_request",
        )
      ).param,
    ).toBe("messages[0].role");
    expect((await expectOpenAIError(await post(chatBody({ temperature: "hot" })), 400, "invalid_request")).param).toBe(
      "temperature",
    );
    expect((await expectOpenAIError(await post(chatBody({ stream: "yes" })), 400, "invalid_request")).param).toBe(
      "stream",
    );
  });

  it("400 naming max_tokens or max_completion_tokens above the model's output limit, whatever the number", async () => {
    const { apiKey } = await seedAccount();
    for (const [param, value] of [
      ["max_tokens", 10_000_000],
      ["max_completion_tokens", 1e300],
    ] as const) {
      const response = await gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(apiKey),
        body: JSON.stringify({
          model: "deepseek/deepseek-flash",
          messages: [{ role: "user", content: "hi" }],
          [param]: value,
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { type: "invalid_request_error", param, code: "invalid_request" },
      });
    }
  });

  it("never echoes the request body in an error", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: '{"model":"x","messages":[{"role":"user","content":"secret-canary-1234"}], broken',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toContain("secret-canary-1234");
  });

  it("404 for an unknown model and for an unknown route", async () => {
    const { apiKey } = await seedAccount();
    const error = await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(apiKey),
        body: chatBody({ model: "nobody/nothing" }),
      }),
      404,
      "model_not_found",
    );
    expect(error.param).toBe("model");
    await expectOpenAIError(await gatewayFetch("/v1/nope"), 404, "not_found");
  });

  it("413 for a body over the limit, declared or streamed", async () => {
    const { apiKey } = await seedAccount();
    const big = chatBody({ messages: [{ role: "user", content: "x".repeat(11 * 1024 * 1024) }] });
    await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body: big }),
      413,
      "request_too_large",
    );
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 1024 * 1024)
          controller.enqueue(bytes.slice(offset, offset + 1024 * 1024));
        controller.close();
      },
    });
    await expectOpenAIError(
      await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body: chunked }),
      413,
      "request_too_large",
    );
  });
});

describe("upstream failures surface as the SDK's typed errors", () => {
  it("429 keeps Retry-After and becomes RateLimitError; the failed request is recorded", async () => {
    const { apiKey } = await seedAccount();
    const error = await openaiClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: "[[sim error=429 retry_after=7]]" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.headers?.get("retry-after")).toBe("7");
    expect(rateLimit.code).toBe("upstream_rate_limited");
    const row = await waitForUsageRow(rateLimit.requestID ?? "");
    expect(row).toMatchObject({ status: "error", httpStatus: 429, costMicroUsd: 0 });
  });

  it("upstream 500 becomes a 502 APIError without the upstream body", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({ messages: [{ role: "user", content: "[[sim error=500]]" }] }),
    });
    const error = await expectOpenAIError(response, 502, "upstream_error");
    expect(String(error.message)).not.toContain("sim-local-key");
  });

  it("a stream cut off mid-way ends with an error event that the SDK raises as APIError", async () => {
    const { apiKey } = await seedAccount();
    const { data: stream, response } = await openaiClient(apiKey)
      .chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: "[[sim chunks=6 disconnect_after=2]]" }],
        stream: true,
      })
      .withResponse();
    let received = "";
    const failure = await (async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? "";
    })().catch((caught: unknown) => caught);
    expect(received.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ status: "error", usageSource: "estimated", stream: true });
    expect(row.completionTokens).toBeGreaterThan(0);
  });
});
