import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { postJson, readSse, useSimulator } from "./test-helpers.ts";
import { countTokens, reasoningText, replyText, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

const simulator = useSimulator();
const client = (): OpenAI =>
  new OpenAI({ baseURL: `${simulator.url}/openai/v1`, apiKey: "sk-test-key", maxRetries: 0 });

const instructions = "You are a terse assistant.";
const input = "Say something nice about Dhaka. [[sim chunks=5 words=9]]";
const promptTokens = countTokens(instructions) + countTokens(input);
const tools: OpenAI.Responses.FunctionTool[] = [
  {
    type: "function",
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: false,
  },
  { type: "function", name: "exec_command", parameters: { type: "object" }, strict: false },
];
const toolTokens = countTokens(JSON.stringify(tools));
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("the Responses API through the official openai client", () => {
  it("answers responses.create with a message item and usage counted like the chat dialect", async () => {
    const response = await client().responses.create({ model: "gpt-sim", instructions, input });
    const text = replyText("gpt-sim", 9);
    expect(response).toMatchObject({ object: "response", status: "completed", model: "gpt-sim", error: null });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output).toEqual([
      expect.objectContaining({
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text, annotations: [] }],
      }),
    ]);
    expect(response.output_text).toBe(text);
    expect(response.usage).toEqual({
      input_tokens: promptTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: countTokens(text),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: promptTokens + countTokens(text),
    });
  });

  it("streams the documented event order, numbered from 0, that responses.stream assembles", async () => {
    const stream = client().responses.stream({ model: "gpt-sim", instructions, input });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toHaveLength(5);
    expect(deltas.join("")).toBe(replyText("gpt-sim", 9));
    expect(final.output_text).toBe(deltas.join(""));
    expect(final.usage?.output_tokens).toBe(10);

    const raw = await readSse(
      await postJson(
        `${simulator.url}/openai/v1/responses`,
        { model: "gpt-sim", input, stream: true },
        { authorization: "Bearer k" },
      ),
    );
    const types = raw.map((event) => JSON.parse(event.data) as { type: string; sequence_number: number });
    expect(raw.map((event) => event.event)).toEqual(types.map((event) => event.type));
    expect(types.map((event) => event.sequence_number)).toEqual(types.map((_, index) => index));
    expect(types.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array<string>(5).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  it("calls a tool named by the prompt, streamed in pieces, with the same call non-stream", async () => {
    const toolInput = "Weather? [[sim tool=get_weather chunks=4]]";
    const created = await client().responses.create({ model: "gpt-sim", input: toolInput, tools });
    expect(created.output).toEqual([
      expect.objectContaining({ type: "function_call", name: "get_weather", arguments: TOOL_ARGUMENTS_JSON }),
    ]);
    const call = created.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call.call_id).toMatch(/^call_/);
    expect(call.id).toMatch(/^fc_/);
    expect(created.usage?.input_tokens).toBe(countTokens(toolInput) + toolTokens);

    const stream = client().responses.stream({ model: "gpt-sim", input: toolInput, tools });
    const pieces: string[] = [];
    stream.on("response.function_call_arguments.delta", (event) => pieces.push(event.delta));
    const final = await stream.finalResponse();
    expect(pieces).toHaveLength(4);
    expect(pieces.join("")).toBe(TOOL_ARGUMENTS_JSON);
    expect(final.output[0]).toMatchObject({
      type: "function_call",
      call_id: call.call_id,
      arguments: TOOL_ARGUMENTS_JSON,
    });
  });

  it("honours tool_choice: a named function, required, none", async () => {
    const named = await client().responses.create({
      model: "gpt-sim",
      input: "Go",
      tools,
      tool_choice: { type: "function", name: "exec_command" },
    });
    expect(named.output[0]).toMatchObject({ type: "function_call", name: "exec_command" });
    const required = await client().responses.create({ model: "gpt-sim", input: "Go", tools, tool_choice: "required" });
    expect(required.output[0]).toMatchObject({ type: "function_call", name: "get_weather" });
    const none = await client().responses.create({
      model: "gpt-sim",
      input: "Go [[sim tool=get_weather]]",
      tools,
      tool_choice: "none",
    });
    expect(none.output[0]).toMatchObject({ type: "message" });
  });

  it("ends an agent's tool loop: tool_args as the call's arguments, text once a function_call_output is sent", async () => {
    const task = `List the files. [[sim tool=exec_command tool_once=1 tool_args=${base64url({ cmd: "ls" })}]]`;
    const first = await client().responses.create({ model: "gpt-sim", input: task, tools });
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: "function_call", name: "exec_command", arguments: '{"cmd":"ls"}' });

    const second = await client().responses.create({
      model: "gpt-sim",
      tools,
      input: [
        { role: "user", content: [{ type: "input_text", text: task }] },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "a.txt\nb.txt" },
      ],
    });
    expect(second.output_text).toBe(replyText("gpt-sim", 12));
    const expectedPrompt =
      countTokens(task) + countTokens("exec_command") + countTokens('{"cmd":"ls"}') + countTokens("a.txt\nb.txt");
    expect(second.usage?.input_tokens).toBe(expectedPrompt + toolTokens);
  });

  it("streams a reasoning item first, with its summary and encrypted_content when asked", async () => {
    const stream = client().responses.stream({
      model: "gpt-sim",
      input: "Think [[sim reasoning=6 chunks=3 cached=2 cache_write=1]]",
      reasoning: { effort: "low", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      store: false,
    });
    const summaryDeltas: string[] = [];
    stream.on("response.reasoning_summary_text.delta", (event) => summaryDeltas.push(event.delta));
    const final = await stream.finalResponse();
    const reasoning = reasoningText("gpt-sim", 6);
    expect(summaryDeltas.join("")).toBe(reasoning);
    expect(final.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    const item = final.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(item.summary).toEqual([{ type: "summary_text", text: reasoning }]);
    expect(typeof item.encrypted_content === "string" && item.encrypted_content.length > 0).toBe(true);
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(countTokens(reasoning));
    expect(final.usage?.input_tokens_details).toEqual({ cached_tokens: 2, cache_write_tokens: 1 });

    const hidden = await client().responses.create({ model: "gpt-sim", input: "Think [[sim reasoning=6]]" });
    expect(hidden.output[0]).toEqual({ id: expect.any(String), type: "reasoning", summary: [] });
  });

  it("fails a started stream with response.failed, and answers errors in OpenAI's shape", async () => {
    const response = await postJson(
      `${simulator.url}/openai/v1/responses`,
      { model: "gpt-sim", input: "Go [[sim error_after=2 error=429]]", stream: true },
      { authorization: "Bearer k" },
    );
    const events = (await readSse(response)).map((event) => JSON.parse(event.data) as Record<string, unknown>);
    expect(events.filter((event) => event.type === "response.output_text.delta")).toHaveLength(2);
    const last = events.at(-1) as { type: string; response: { id: string; status: string; error: unknown } };
    expect(last.type).toBe("response.failed");
    expect(last.response).toMatchObject({ status: "failed", error: { code: "rate_limit_exceeded" } });
    expect(last.response.id).toBe((events[0] as { response: { id: string } }).response.id);

    await expect(client().responses.create({ model: "gpt-sim", input: "Go [[sim error=429]]" })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    await expect(
      client().responses.create({ model: "gpt-sim", input: "Go", previous_response_id: "resp_x" }),
    ).rejects.toMatchObject({ status: 400, error: { type: "invalid_request_error" } });
  });
});
