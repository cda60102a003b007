/**
 * POST /v1/responses as coding agents use it: Codex's request shape (developer message, `client_metadata`, ids on
 * items, `web_search` / `namespace` / custom `apply_patch` tools, `store: false`, `include`), the reasoning round trip
 * (`encrypted_content` back to `reasoning_content` for the same model, dropped for another), failures after the first
 * byte (`error` then `response.failed`), and the 400s of a stateless gateway, in OpenAI's error shape.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { bearer, gatewayFetch, openaiClient, seedAccount } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

type Json = Record<string, unknown>;

/** The SSE events of a raw streamed answer: `event:` type and parsed `data`. */
async function sseEvents(response: Response): Promise<Array<{ event: string; data: Json }>> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as Json;
      return { event, data };
    });
}

function postResponses(apiKey: string, body: Json): Promise<Response> {
  return gatewayFetch("/v1/responses", { method: "POST", headers: bearer(apiKey), body: JSON.stringify(body) });
}

describe("/v1/responses refusals, in OpenAI's error shape", () => {
  const cases: Array<[string, Json, string]> = [
    ["previous_response_id", { previous_response_id: "resp_123" }, "previous_response_id"],
    ["conversation", { conversation: "conv_123" }, "conversation"],
    ["background", { background: true }, "background"],
    ["an unsupported tool type", { tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }, "tools[0].type"],
    [
      "metadata with too many pairs",
      { metadata: Object.fromEntries([...Array(17).keys()].map((key) => [`k${key}`, "v"])) },
      "metadata",
    ],
    ["a metadata value too long", { metadata: { note: "x".repeat(513) } }, "metadata"],
    ["an item_reference", { input: [{ type: "item_reference", id: "msg_1" }] }, "input[0].type"],
    ["max_output_tokens above the model's limit", { max_output_tokens: 10_000_000 }, "max_output_tokens"],
  ];
  it.each(cases)("400 for %s, naming the field", async (_name, overrides, param) => {
    const { apiKey } = await seedAccount();
    const response = await postResponses(apiKey, { model: "deepseek/deepseek-flash", input: "hi", ...overrides });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; param: string; message: string } };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param });
    // Named as the client sent it, never by the internal Chat Completions name.
    expect(body.error.message).not.toMatch(/max_completion_tokens|response_format/);
  });

  it("explains the stateless rule and what to send instead, as the SDK's BadRequestError", async () => {
    const { apiKey } = await seedAccount();
    const error = await openaiClient(apiKey)
      .responses.create({ model: "deepseek/deepseek-flash", input: "hi", previous_response_id: "resp_1" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/stores no prompts or answers/);
    expect((error as Error).message).toMatch(/whole conversation in input/);
  });

  it("retrieve, delete, cancel and input items answer 404 saying nothing is stored", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const attempts: Array<() => PromiseLike<unknown>> = [
      () => client.responses.retrieve("resp_123"),
      () => client.responses.delete("resp_123"),
      () => client.responses.cancel("resp_123"),
      () => client.responses.inputItems.list("resp_123"),
    ];
    for (const attempt of attempts) {
      const error = await Promise.resolve()
        .then(attempt)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as Error).message).toMatch(/stores no responses/);
    }
  });

  it("404 for an unknown model and 401 for a bad key", async () => {
    const { apiKey } = await seedAccount();
    const notFound = await openaiClient(apiKey)
      .responses.create({ model: "nobody/nothing", input: "hi" })
      .catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    const unauthorized = await openaiClient(`sk-omni-${"B".repeat(40)}`)
      .responses.create({ model: "deepseek/deepseek-flash", input: "hi" })
      .catch((caught: unknown) => caught);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("/v1/responses with Codex's request shape", () => {
  const codexTools = [
    {
      type: "function",
      name: "exec_command",
      parameters: { type: "object", properties: { cmd: { type: "string" } } },
      strict: false,
    },
    { type: "web_search", external_web_access: false },
    {
      type: "namespace",
      name: "multi_agent_v1",
      description: "Agents",
      tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object", properties: {} } }],
    },
    { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
  ];
  const codexBody = (marker: string, directive: string): Json => ({
    model: "deepseek/deepseek-flash",
    stream: true,
    store: false,
    include: ["reasoning.encrypted_content"],
    client_metadata: { session: "s1" },
    prompt_cache_key: "thread-1",
    parallel_tool_calls: true,
    tool_choice: "auto",
    reasoning: { summary: "auto" },
    tools: codexTools,
    input: [
      { type: "message", id: "msg_dev", role: "developer", content: [{ type: "input_text", text: "You are Codex." }] },
      {
        type: "message",
        id: "msg_u1",
        role: "user",
        content: [{ type: "input_text", text: `${marker} ${directive}` }],
      },
    ],
  });

  it.each([
    "anthropic/claude-haiku-5-5",
    "gemini/gemini-3.8-flash",
    "zai/glm-5.3",
    "qwen/qwen4-max",
    "minimax/minimax-m3",
    "moonshot/kimi-k3",
    "openai/gpt-6-luna",
  ])("a Codex turn completes on %s", async (model) => {
    const { apiKey } = await seedAccount();
    const response = await postResponses(apiKey, {
      ...codexBody(`n${nonce()}`, "[[sim tool=exec_command]]"),
      model,
      reasoning: { effort: "medium", summary: "auto" },
    });
    expect(response.status).toBe(200);
    const events = await sseEvents(response);
    expect(events.at(-1)?.event).toBe("response.completed");
    const output = (events.at(-1)?.data.response as { output: Json[] }).output;
    expect(output.find((item) => item.type === "function_call")).toMatchObject({ name: "exec_command" });
  });

  it("drops web_search, flattens the namespace and maps the custom tool to a one-string function upstream", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await postResponses(apiKey, codexBody(marker, "hi"));
    expect(response.status).toBe(200);
    const events = await sseEvents(response);
    expect(events.at(-1)?.event).toBe("response.completed");
    const upstream = (await simulatorEntries(marker))[0]?.body as {
      tools: Array<{ function: Json }>;
      messages: Json[];
    };
    expect(upstream.tools.map((tool) => tool.function.name)).toEqual([
      "exec_command",
      "multi_agent_v1__spawn_agent",
      "apply_patch",
    ]);
    expect(upstream.tools[2]?.function.parameters).toMatchObject({ required: ["input"] });
    expect(upstream.messages[0]).toMatchObject({ role: "system" });
    expect(upstream).not.toHaveProperty("client_metadata");
    expect(upstream).not.toHaveProperty("store", true);
  });

  it("a call to the custom tool comes back as custom_tool_call, one to a namespaced tool with its namespace", async () => {
    const { apiKey } = await seedAccount();
    const custom = await sseEvents(await postResponses(apiKey, codexBody(`n${nonce()}`, "[[sim tool=apply_patch]]")));
    const customDone = custom.find((event) => event.event === "response.output_item.done")?.data.item as Json;
    expect(customDone).toMatchObject({ type: "custom_tool_call", name: "apply_patch", status: "completed" });
    expect(typeof customDone.input).toBe("string");
    expect(custom.map((event) => event.event)).toContain("response.custom_tool_call_input.done");

    const namespaced = await sseEvents(
      await postResponses(apiKey, codexBody(`n${nonce()}`, "[[sim tool=multi_agent_v1__spawn_agent]]")),
    );
    const completed = namespaced.at(-1)?.data.response as { output: Json[] };
    expect(completed.output.find((item) => item.type === "function_call")).toMatchObject({
      name: "spawn_agent",
      namespace: "multi_agent_v1",
    });
  });

  it("numbers events from 0 with one response id, and every added item is done before response.completed", async () => {
    const { apiKey } = await seedAccount();
    const events = await sseEvents(
      await postResponses(apiKey, codexBody(`n${nonce()}`, "[[sim reasoning=8 tool=exec_command]]")),
    );
    expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events.every((event) => event.event === event.data.type)).toBe(true);
    const ids = new Set(
      events.flatMap((event) => ((event.data.response as Json | undefined)?.id as string | undefined) ?? []),
    );
    expect(ids.size).toBe(1);
    const added = events
      .filter((event) => event.event === "response.output_item.added")
      .map((event) => event.data.output_index);
    const done = events
      .filter((event) => event.event === "response.output_item.done")
      .map((event) => event.data.output_index);
    expect(added).toEqual([0, 1]);
    expect(done).toEqual([0, 1]);
    const usage = (events.at(-1)?.data.response as { usage: Json }).usage;
    expect(Number.isInteger(usage.input_tokens) && Number.isInteger(usage.output_tokens)).toBe(true);
    expect(Number.isInteger(usage.total_tokens)).toBe(true);
  });
});

describe("the reasoning round trip", () => {
  it("restores a DeepSeek reasoning item as reasoning_content on the next turn, and drops it for another model", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const tools: OpenAI.Responses.Tool[] = [
      { type: "function", name: "get_weather", parameters: { type: "object", properties: {} }, strict: false },
    ];
    const first = await client.responses
      .stream({
        model: "deepseek/deepseek-v4-pro",
        tools,
        reasoning: { effort: "high", summary: "auto" },
        input: "Weather? [[sim reasoning=20 tool=get_weather]]",
      })
      .finalResponse();
    const reasoning = first.output.find((item) => item.type === "reasoning");
    expect(reasoning?.type === "reasoning" && reasoning.encrypted_content).toMatch(/^omz1\./);
    const reasoningText = reasoning?.type === "reasoning" ? (reasoning.content?.[0]?.text ?? "") : "";
    expect(reasoningText.length).toBeGreaterThan(0);
    expect(reasoning?.type === "reasoning" && reasoning.summary[0]?.text).toBe(reasoningText);
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call");

    const history = (marker: string): OpenAI.Responses.ResponseInput => [
      { role: "user", content: `${marker} Weather?` },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: "function_call_output", call_id: call.call_id, output: "31°C" },
    ];
    const same = `n${nonce()}`;
    await client.responses.create({ model: "deepseek/deepseek-v4-pro", tools, input: history(same) });
    const sameBody = (await simulatorEntries(same))[0]?.body as { messages: Json[] };
    const assistant = sameBody.messages.find((message) => message.role === "assistant");
    expect(assistant?.reasoning_content).toBe(reasoningText);
    expect((assistant?.tool_calls as Json[] | undefined)?.length).toBe(1);

    const other = `n${nonce()}`;
    await client.responses.create({ model: "deepseek/deepseek-flash", tools, input: history(other) });
    const otherBody = (await simulatorEntries(other))[0]?.body as { messages: Json[] };
    expect(otherBody.messages.find((message) => message.role === "assistant")).not.toHaveProperty("reasoning_content");
  });

  it("carries an Anthropic thinking signature back as a signed thinking block", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const model = "anthropic/claude-haiku-5-5";
    const tools: OpenAI.Responses.Tool[] = [
      { type: "function", name: "get_weather", parameters: { type: "object", properties: {} }, strict: false },
    ];
    const first = await client.responses
      .stream({ model, tools, reasoning: { effort: "low" }, input: "Weather? [[sim reasoning=12 tool=get_weather]]" })
      .finalResponse();
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(first.output[0]?.type).toBe("reasoning");

    const marker = `n${nonce()}`;
    await client.responses.create({
      model,
      tools,
      reasoning: { effort: "low" },
      input: [
        { role: "user", content: `${marker} Weather?` },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "31°C" },
      ],
    });
    const upstream = (await simulatorEntries(marker))[0]?.body as {
      messages: Array<{ role: string; content: Json[] }>;
    };
    const assistant = upstream.messages.find((message) => message.role === "assistant");
    expect(assistant?.content[0]).toMatchObject({ type: "thinking", signature: expect.stringMatching(/.+/) });
    expect(assistant?.content[1]).toMatchObject({ type: "tool_use", id: call.call_id, name: "get_weather" });
  });

  it("ignores foreign or garbled encrypted_content", async () => {
    const { apiKey } = await seedAccount();
    const response = await openaiClient(apiKey).responses.create({
      model: "deepseek/deepseek-flash",
      input: [
        { role: "user", content: "hi" },
        { type: "reasoning", id: "rs_x", summary: [], encrypted_content: "gAAAAABnotours" },
        { role: "assistant", content: "hello" },
        { type: "reasoning", id: "rs_y", summary: [], encrypted_content: "omz1.!!!" },
        { role: "user", content: "again" },
      ],
    });
    expect(response.status).toBe("completed");
  });
});

describe("failures after the first byte", () => {
  it("sends an error event then response.failed; the SDK stream throws an APIError", async () => {
    const { apiKey } = await seedAccount();
    const response = await postResponses(apiKey, {
      model: "deepseek/deepseek-flash",
      stream: true,
      input: "Tell me [[sim chunks=6 error_after=2]]",
    });
    expect(response.status).toBe(200);
    const events = await sseEvents(response);
    expect(events.at(-2)?.event).toBe("error");
    expect(events.at(-1)?.event).toBe("response.failed");
    expect(events.at(-1)?.data.response).toMatchObject({ status: "failed", error: { code: "server_error" } });

    const stream = openaiClient(apiKey).responses.stream({
      model: "deepseek/deepseek-flash",
      input: "Tell me [[sim chunks=6 error_after=2]]",
    });
    await expect(stream.finalResponse()).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

/** Waits until the settlement (waitUntil, after the response) stored `count` entries in the account's cache index. */
async function untilStored(userId: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await testRedis().scard(`omz:pcidx:${userId}`)) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the cache never held ${count} entries`);
}

describe("the prompt cache on /v1/responses", () => {
  it("replays a cached answer as a Response (streamed or not) under its own key, apart from the chat surface's", async () => {
    const { apiKey, userId } = await seedAccount();
    const text = `n${nonce()} same prompt`;
    const body = { model: "deepseek/deepseek-flash", input: [{ role: "user", content: text }] };
    const first = await postResponses(apiKey, body);
    expect(first.headers.get("x-omnizen-cache")).toBe("MISS");
    const answer = (await first.json()) as { output: Json[]; usage: Json };
    await untilStored(userId, 1);

    const again = await postResponses(apiKey, body);
    expect(again.headers.get("x-omnizen-cache")).toBe("HIT");
    const replayed = (await again.json()) as { id: string; output: Json[]; status: string };
    expect(replayed.status).toBe("completed");
    expect(replayed.id).toBe(`resp_${(again.headers.get("x-request-id") ?? "").replace(/^req_/, "")}`);
    expect((replayed.output[0]?.content as Json[])[0]?.text).toBe((answer.output[0]?.content as Json[])[0]?.text);

    const streamed = await postResponses(apiKey, { ...body, stream: true });
    expect(streamed.status).toBe(200);
    const events = await sseEvents(streamed);
    expect(events.at(-1)?.event).toBe("response.completed");

    // The same conversation on the chat surface has its own key: a miss.
    const chat = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: JSON.stringify({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content: text }] }),
    });
    await chat.arrayBuffer();
    expect(chat.headers.get("x-omnizen-cache")).toBe("MISS");
  });

  it("a body nested too deep is a 400 in OpenAI's shape, never a 500", async () => {
    const { apiKey } = await seedAccount();
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const response = await gatewayFetch("/v1/responses", {
      method: "POST",
      headers: bearer(apiKey),
      body: `{"model":"deepseek/deepseek-flash","input":${deep}}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: Json }).error).toMatchObject({ type: "invalid_request_error" });
  });
});
