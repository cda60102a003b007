/**
 * POST /v1/messages driven by the official @anthropic-ai/sdk: every kind of upstream behind the Anthropic surface,
 * streamed and not, a tool-use round trip, and errors surfacing as the SDK's typed errors.
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { anthropicClient, gatewayFetch, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const MODELS = ["anthropic/claude-haiku-5-5", "deepseek/deepseek-flash", "gemini/gemini-3.8-flash", "moonshot/kimi-k3"];

const WEATHER: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe.each(MODELS)("%s through /v1/messages", (model) => {
  it("answers a non-streamed message with usage, and books it", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data: message, response } = await anthropicClient(apiKey)
      .messages.create({
        model,
        max_tokens: 256,
        system: "Be brief.",
        messages: [{ role: "user", content: `${marker} [[sim cached=1]]` }],
      })
      .withResponse();
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe(model);
    expect(message.stop_reason).toBe("end_turn");
    const text = message.content.find((block) => block.type === "text");
    expect(text?.type === "text" && text.text.length > 0).toBe(true);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.cache_read_input_tokens).toBe(1);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model, status: "ok", completionTokens: message.usage.output_tokens, cachedTokens: 1 });
    expect((await simulatorEntries(marker))[0]?.usage?.completion_tokens).toBe(message.usage.output_tokens);
  });

  it("streams a message that the SDK's MessageStream assembles", async () => {
    const { apiKey } = await seedAccount();
    const stream = anthropicClient(apiKey).messages.stream({
      model,
      max_tokens: 256,
      messages: [{ role: "user", content: "Tell me [[sim chunks=5]]" }],
    });
    let deltas = "";
    stream.on("text", (text) => (deltas += text));
    const message = await stream.finalMessage();
    const text = message.content.find((block) => block.type === "text");
    expect(text?.type === "text" ? text.text : "").toBe(deltas);
    expect(deltas.length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it("round-trips a tool call: tool_use, then tool_result back", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    const first = await client.messages
      .stream({
        model,
        max_tokens: 256,
        tools: [WEATHER],
        messages: [{ role: "user", content: "Weather in Dhaka? [[sim tool=get_weather]]" }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use");
    expect(toolUse?.type === "tool_use" && toolUse.name).toBe("get_weather");
    expect(toolUse?.type === "tool_use" ? toolUse.input : null).toMatchObject({ city: "Dhaka" });
    if (toolUse?.type !== "tool_use") return;

    const second = await client.messages.create({
      model,
      max_tokens: 256,
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather in Dhaka?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "31°C, humid" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content.some((block) => block.type === "text")).toBe(true);
  });
});

describe("/v1/messages errors in Anthropic's shape, as the SDK's typed errors", () => {
  it("401 AuthenticationError for a bad key (x-api-key or Bearer)", async () => {
    const error = await anthropicClient(`sk-omni-${"B".repeat(40)}`)
      .messages.create({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const raw = await gatewayFetch("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": "nope", "anthropic-version": "2023-06-01" },
      body: "{}",
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("an unknown path or method under /v1/messages answers 404 in Anthropic's error shape", async () => {
    const { apiKey } = await seedAccount();
    const unknown: Array<[string, string]> = [
      ["POST", "/v1/messages/batches"],
      ["GET", "/v1/messages"],
      ["GET", "/v1/messages/x/y"],
    ];
    for (const [method, path] of unknown) {
      const headers = { "x-api-key": apiKey, "anthropic-version": "2023-06-01" };
      const response = await gatewayFetch(path, { method, headers });
      expect(response.status).toBe(404);
      const body = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: "error", error: { type: "not_found_error" } });
      expect(body.error.message).toContain(path);
    }
  });

  it("404 NotFoundError for an unknown model, 400 BadRequestError for a bad body", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    const notFound = await client.messages
      .create({ model: "nobody/nothing", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    const badRequest = await client.messages
      .create({ model: "anthropic/claude-haiku-5-5", max_tokens: -1, messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(badRequest).toBeInstanceOf(Anthropic.BadRequestError);
    // Above the model's output limit: refused before anything is reserved or sent, naming the parameter.
    // (The SDK itself refuses so large a max_tokens without streaming, so this goes raw.)
    const tooMany = await gatewayFetch("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 10_000_000,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringMatching(/max_tokens.*output limit/) },
    });
  });

  it("429 RateLimitError keeps Retry-After; 529 upstream overload becomes 503 overloaded", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    const limited = await client.messages
      .create({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "[[sim error=429 retry_after=3]]" }],
      })
      .catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBe("3");
    const overloaded = await client.messages
      .create({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "[[sim error=529]]" }],
      })
      .catch((caught: unknown) => caught);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
  });

  it.each(["deepseek/deepseek-flash", "anthropic/claude-haiku-5-5"])(
    "a stream failing mid-way ends with an error event the SDK raises (%s: translated and native)",
    async (model) => {
      const { apiKey } = await seedAccount();
      const stream = anthropicClient(apiKey).messages.stream({
        model,
        max_tokens: 100,
        messages: [{ role: "user", content: "[[sim chunks=6 disconnect_after=2]]" }],
      });
      const failure = await stream.finalMessage().catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
    },
  );
});

describe("native forwarding to Anthropic", () => {
  it("sends the client's body as is (cache_control, top_k) and books the usage, streamed or not", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    for (const stream of [false, true]) {
      const marker = `n${nonce()}`;
      const params = {
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 128,
        top_k: 5,
        system: [
          {
            type: "text" as const,
            text: `Long shared context ${marker}`,
            cache_control: { type: "ephemeral" as const },
          },
        ],
        messages: [{ role: "user" as const, content: "hi [[sim cached=2 cache_write=3]]" }],
      };
      const { data: message, response } = stream
        ? { data: await client.messages.stream(params).finalMessage(), response: undefined }
        : await client.messages.create(params).withResponse();
      expect(message.usage.cache_creation_input_tokens).toBe(3);
      const [entry] = await simulatorEntries(marker);
      expect(entry?.provider).toBe("anthropic");
      expect(entry?.body).toMatchObject({
        model: "claude-haiku-5-5",
        top_k: 5,
        system: [{ cache_control: { type: "ephemeral" } }],
      });
      if (response) {
        expect(message.model).toBe("anthropic/claude-haiku-5-5");
        const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
        expect(row).toMatchObject({
          provider: "anthropic",
          cachedTokens: 2,
          cacheWriteTokens: 3,
          completionTokens: message.usage.output_tokens,
        });
      }
    }
  });
});

describe("POST /v1/messages/count_tokens", () => {
  const body = {
    system: "Be brief.",
    messages: [{ role: "user" as const, content: "one two three" }],
    tools: [WEATHER],
  };

  it("counts exactly through the upstream for Anthropic and Gemini models, as the answer will bill", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    for (const model of ["anthropic/claude-haiku-5-5", "gemini/gemini-3.8-flash"]) {
      const { data: counted, response } = await client.messages.countTokens({ model, ...body }).withResponse();
      expect(response.headers.get("x-omnizen-token-count"), model).toBe("exact");
      const answer = await client.messages.create({ model, max_tokens: 64, ...body });
      expect(counted.input_tokens, model).toBe(answer.usage.input_tokens);
    }
  });

  it("estimates for models whose provider cannot count, marked as such, never a 400", async () => {
    const { apiKey } = await seedAccount();
    const client = anthropicClient(apiKey);
    for (const model of ["deepseek/deepseek-flash", "moonshot/kimi-k3", "qwen/qwen4-max"]) {
      const { data: counted, response } = await client.messages.countTokens({ model, ...body }).withResponse();
      expect(response.headers.get("x-omnizen-token-count"), model).toBe("estimated");
      // 1 token per 3 ASCII characters of everything the upstream reads: system and tool schema count too.
      expect(counted.input_tokens, model).toBeGreaterThan(JSON.stringify(WEATHER.input_schema).length / 3);
      const { data: bare } = await client.messages
        .countTokens({ model, messages: [{ role: "user", content: "one two three" }] })
        .withResponse();
      expect(bare.input_tokens).toBeLessThan(counted.input_tokens);
    }
  });
});
