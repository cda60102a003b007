import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { convertFromResponsesRequest } from "./convert-from-responses-request.ts";
import { responsesRequestSchema } from "./parse-responses-request.ts";
import { encodeReasoningCarrier } from "./reasoning-carrier.ts";
import { applyResponsesFieldPolicy } from "./request-fields.ts";

const OWNER = { provider: "deepseek", model: "deepseek/deepseek-v4-pro" };

/** Validates, filters and converts a body as the route does. */
function convert(body: Record<string, unknown>) {
  const parsed = responsesRequestSchema.safeParse({ model: OWNER.model, input: "hi", ...body });
  if (!parsed.success) throw new Error(`schema: ${parsed.error.issues[0]?.path.join(".")}`);
  return convertFromResponsesRequest(applyResponsesFieldPolicy(parsed.data), OWNER);
}

function refusal(work: () => unknown): { param: string | null; message: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof GatewayError) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

const schemaIssue = (body: Record<string, unknown>) =>
  responsesRequestSchema.safeParse({ model: "m", input: "hi", ...body }).error?.issues[0]?.path.join(".");

describe("convertFromResponsesRequest: top-level fields", () => {
  it("maps a string input, instructions, limits, sampling and streaming", () => {
    const { request } = convert({
      instructions: "Be brief.",
      input: "Hello",
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
      user: "u1",
      safety_identifier: "s1",
      prompt_cache_key: "thread-1",
    });
    expect(request).toEqual({
      model: OWNER.model,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
      safety_identifier: "s1",
      prompt_cache_key: "thread-1",
    });
  });

  it("nests a flat json_schema format, maps json_object and drops text", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(
      convert({ text: { format: { type: "json_schema", name: "out", schema, strict: true }, verbosity: "low" } })
        .request,
    ).toMatchObject({
      response_format: { type: "json_schema", json_schema: { name: "out", schema, strict: true } },
      verbosity: "low",
    });
    expect(convert({ text: { format: { type: "json_object" } } }).request.response_format).toEqual({
      type: "json_object",
    });
    expect(convert({ text: { format: { type: "text" } } }).request).not.toHaveProperty("response_format");
    expect(schemaIssue({ text: { format: { type: "grammar" } } })).toBe("text.format.type");
  });

  it("maps reasoning effort, the extra levels to high, and remembers that a summary was asked for", () => {
    expect(convert({ reasoning: { effort: "low" } }).request.reasoning_effort).toBe("low");
    expect(convert({ reasoning: { effort: "none" } }).request.reasoning_effort).toBe("none");
    expect(convert({ reasoning: { effort: "xhigh" } }).request.reasoning_effort).toBe("high");
    expect(convert({ reasoning: { effort: "max" } }).request.reasoning_effort).toBe("high");
    expect(convert({ reasoning: { summary: "auto" } }).echo.summarize).toBe(true);
    expect(convert({}).echo.summarize).toBe(false);
    expect(schemaIssue({ reasoning: { effort: "extreme" } })).toBe("reasoning.effort");
  });

  it("validates metadata (16 pairs, keys <= 64, values <= 512) and echoes it without forwarding", () => {
    const { request, echo } = convert({ metadata: { ticket: "T-1" } });
    expect(echo.metadata).toEqual({ ticket: "T-1" });
    expect(request).not.toHaveProperty("metadata");
    expect(schemaIssue({ metadata: Object.fromEntries([...Array(17).keys()].map((key) => [`k${key}`, "v"])) })).toBe(
      "metadata",
    );
    expect(schemaIssue({ metadata: { ["k".repeat(65)]: "v" } })).toBe("metadata");
    expect(schemaIssue({ metadata: { note: "x".repeat(513) } })).toBe("metadata");
    expect(schemaIssue({ metadata: { count: 3 } })).toBe("metadata");
  });
});

describe("applyResponsesFieldPolicy: stateless and unpriced fields", () => {
  it("refuses previous_response_id, conversation, background and stored prompts, saying what to send instead", () => {
    for (const [field, value] of [
      ["previous_response_id", "resp_1"],
      ["conversation", { id: "conv_1" }],
      ["background", true],
      ["prompt", { id: "pmpt_1" }],
      ["service_tier", "priority"],
      ["top_logprobs", 5],
      ["context_management", [{ type: "compaction" }]],
    ] as const) {
      const { param, message } = refusal(() => applyResponsesFieldPolicy({ model: "m", [field]: value }));
      expect(param).toBe(field);
      if (field === "previous_response_id") expect(message).toMatch(/whole conversation in input/);
    }
  });

  it("strips store (never forwarded as true), include, client_metadata and unknown keys", () => {
    const kept = applyResponsesFieldPolicy({
      model: "m",
      store: true,
      include: ["reasoning.encrypted_content"],
      client_metadata: { a: 1 },
      background: false,
      previous_response_id: null,
      service_tier: "auto",
      some_extension: 1,
    });
    expect(kept).toEqual({ model: "m" });
  });
});

describe("convertFromResponsesInput: items", () => {
  it("maps developer and system to system, parts to text, images to image_url parts", () => {
    const { request } = convert({
      input: [
        { type: "message", id: "msg_1", role: "developer", content: [{ type: "input_text", text: "Rules" }] },
        { role: "system", content: "More rules" },
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "https://example.test/a.png", detail: "high" },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "system", content: "Rules" },
      { role: "system", content: "More rules" },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "https://example.test/a.png", detail: "high" } },
        ],
      },
    ]);
  });

  it("merges an assistant message and its calls into one turn, and tool outputs into tool messages", () => {
    const { request } = convert({
      input: [
        { role: "user", content: "Go" },
        {
          type: "message",
          role: "assistant",
          id: "msg_a",
          status: "completed",
          content: [{ type: "output_text", text: "Looking.", annotations: [] }],
        },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "exec", arguments: '{"cmd":"ls"}' },
        { type: "function_call", call_id: "call_2", name: "spawn", namespace: "agents", arguments: "{}" },
        { type: "custom_tool_call", call_id: "call_3", name: "apply_patch", input: "*** Begin Patch" },
        { type: "function_call_output", id: "fco_1", call_id: "call_1", output: "a.txt" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "spawned" }] },
        { type: "custom_tool_call_output", call_id: "call_3", output: "Done" },
      ],
    });
    expect(request.messages).toEqual([
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: "Looking.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "exec", arguments: '{"cmd":"ls"}' } },
          { id: "call_2", type: "function", function: { name: "agents__spawn", arguments: "{}" } },
          {
            id: "call_3",
            type: "function",
            function: { name: "apply_patch", arguments: JSON.stringify({ input: "*** Begin Patch" }) },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "a.txt" },
      { role: "tool", tool_call_id: "call_2", content: "spawned" },
      { role: "tool", tool_call_id: "call_3", content: "Done" },
    ]);
  });

  it("puts images of a tool output in a user message after the tool results", () => {
    const { request } = convert({
      input: [
        { type: "function_call", call_id: "c1", name: "view_image", arguments: "{}" },
        {
          type: "function_call_output",
          call_id: "c1",
          output: [
            { type: "input_text", text: "the screenshot" },
            { type: "input_image", image_url: "data:image/png;base64,AAAA" },
          ],
        },
        { role: "user", content: "and?" },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      { role: "tool", tool_call_id: "c1", content: "the screenshot" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "user", content: "and?" },
    ]);
  });

  it("refuses item_reference, input_file, file-id images and unknown item types, naming them", () => {
    expect(refusal(() => convert({ input: [{ type: "item_reference", id: "msg_1" }] })).param).toBe("input[0].type");
    expect(
      refusal(() => convert({ input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] })).param,
    ).toBe("input[0].content[0].type");
    expect(
      refusal(() => convert({ input: [{ role: "user", content: [{ type: "input_image", file_id: "f" }] }] })).param,
    ).toBe("input[0].content[0].image_url");
    expect(refusal(() => convert({ input: [{ type: "web_search_call", id: "ws" }] })).param).toBe("input[0].type");
    expect(refusal(() => convert({ input: [{ type: "function_call", call_id: "c", name: "f" }] })).param).toBe(
      "input[0].arguments",
    );
  });
});

describe("the reasoning round trip on input", () => {
  const carrier = (fields: Partial<Parameters<typeof encodeReasoningCarrier>[0]> = {}) =>
    encodeReasoningCarrier({ provider: "deepseek", model: OWNER.model, text: "I should call ls.", ...fields });
  const history = (encrypted: unknown) => [
    { role: "user", content: "Go" },
    { type: "reasoning", id: "rs_1", summary: [], encrypted_content: encrypted },
    { type: "function_call", call_id: "call_1", name: "exec", arguments: "{}" },
    { type: "function_call_output", call_id: "call_1", output: "ok" },
  ];

  it("restores our reasoning for the same model onto the assistant turn that follows", () => {
    const { request } = convert({ input: history(carrier({ signature: "sig" })) });
    expect(request.messages[1]).toMatchObject({ role: "assistant", reasoning_content: "I should call ls." });
    expect(request.messages[1]).toMatchObject({ reasoning_signature: "sig" });
  });

  it("drops reasoning made by another model or provider, and ignores foreign or garbled content", () => {
    for (const encrypted of [
      carrier({ model: "deepseek/deepseek-flash" }),
      carrier({ provider: "moonshot" }),
      "gAAAAABopenai-encrypted",
      "omz1.%%%",
      "omz1.eyJ2IjoyfQ",
      null,
    ]) {
      const { request } = convert({ input: history(encrypted) });
      expect(request.messages[1]).not.toHaveProperty("reasoning_content");
      expect(request.messages[1]).toHaveProperty("tool_calls");
    }
  });

  it("keeps interleaved reasoning in the one assistant turn: DeepSeek text joined, a signed block kept as signed", () => {
    const interleaved = (first: string, second: string) => [
      { role: "user", content: "Go" },
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: first },
      { type: "function_call", call_id: "call_1", name: "a", arguments: "{}" },
      { type: "reasoning", id: "rs_2", summary: [], encrypted_content: second },
      { type: "function_call", call_id: "call_2", name: "b", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "1" },
      { type: "function_call_output", call_id: "call_2", output: "2" },
    ];
    const joined = convert({ input: interleaved(carrier({ text: "One." }), carrier({ text: "Two." })) }).request;
    expect(joined.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "tool"]);
    expect(joined.messages[1]).toMatchObject({ reasoning_content: "One.\n\nTwo." });
    expect(joined.messages[1]?.tool_calls).toHaveLength(2);
    const signed = convert({
      input: interleaved(carrier({ text: "One.", signature: "s1" }), carrier({ text: "Two.", signature: "s2" })),
    }).request;
    expect(signed.messages[1]).toMatchObject({ reasoning_content: "One.", reasoning_signature: "s1" });
  });

  it("puts Gemini thought signatures from a trailing reasoning item on the calls they sign", () => {
    const { request } = convert({
      input: [
        { role: "user", content: "Go" },
        { type: "function_call", call_id: "call_1", name: "exec", arguments: "{}" },
        {
          type: "reasoning",
          id: "rs_2",
          summary: [],
          encrypted_content: carrier({ text: "", tool_signatures: { call_1: "thought-sig" } }),
        },
        { type: "function_call_output", call_id: "call_1", output: "ok" },
      ],
    });
    expect(request.messages[1]).toMatchObject({
      role: "assistant",
      tool_calls: [{ id: "call_1", extra_content: { google: { thought_signature: "thought-sig" } } }],
    });
    expect(request.messages[1]).not.toHaveProperty("reasoning_content");
  });
});

describe("convertResponsesTools", () => {
  it("nests functions, maps custom tools to one string parameter, flattens namespaces and drops web_search", () => {
    const { request, echo } = convert({
      tools: [
        { type: "function", name: "exec", description: "Run", parameters: { type: "object" }, strict: false },
        { type: "web_search", external_web_access: false },
        { type: "web_search_preview_2025_03_11" },
        { type: "namespace", name: "agents", tools: [{ type: "function", name: "spawn" }] },
        { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: X" } },
      ],
      tool_choice: "auto",
      parallel_tool_calls: false,
    });
    expect(request.tools).toEqual([
      {
        type: "function",
        function: { name: "exec", description: "Run", parameters: { type: "object" }, strict: false },
      },
      { type: "function", function: { name: "agents__spawn", parameters: { type: "object", properties: {} } } },
      {
        type: "function",
        function: {
          name: "apply_patch",
          parameters: {
            type: "object",
            properties: { input: { type: "string", description: expect.stringContaining("start: X") } },
            required: ["input"],
            additionalProperties: false,
          },
        },
      },
    ]);
    expect(request).toMatchObject({ tool_choice: "auto", parallel_tool_calls: false });
    expect(echo.toolNames.get("agents__spawn")).toEqual({ kind: "function", name: "spawn", namespace: "agents" });
    expect(echo.toolNames.get("apply_patch")).toEqual({ kind: "custom", name: "apply_patch" });
  });

  it("refuses other tool types naming tools[i].type", () => {
    for (const type of [
      "file_search",
      "computer_use_preview",
      "mcp",
      "code_interpreter",
      "image_generation",
      "shell",
    ]) {
      expect(refusal(() => convert({ tools: [{ type: "function", name: "f" }, { type }] })).param).toBe(
        "tools[1].type",
      );
    }
  });

  it("maps every tool_choice shape", () => {
    const tools = [
      { type: "function", name: "a" },
      { type: "function", name: "b" },
      { type: "custom", name: "c" },
    ];
    expect(convert({ tools, tool_choice: "required" }).request.tool_choice).toBe("required");
    expect(convert({ tools, tool_choice: { type: "function", name: "b" } }).request.tool_choice).toEqual({
      type: "function",
      function: { name: "b" },
    });
    expect(convert({ tools, tool_choice: { type: "custom", name: "c" } }).request.tool_choice).toEqual({
      type: "function",
      function: { name: "c" },
    });
    const allowed = convert({
      tools,
      tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "b" }] },
    }).request;
    expect(allowed.tool_choice).toBe("required");
    expect(allowed.tools?.map((tool) => (tool.function as { name: string }).name)).toEqual(["b"]);
    expect(refusal(() => convert({ tools, tool_choice: { type: "function", name: "zz" } })).param).toBe(
      "tool_choice.name",
    );
    expect(refusal(() => convert({ tools, tool_choice: { type: "web_search_preview" } })).param).toBe(
      "tool_choice.type",
    );
  });

  it("drops auto / none without tools left and refuses a forced choice", () => {
    const onlySearch = [{ type: "web_search" }];
    expect(convert({ tools: onlySearch, tool_choice: "auto" }).request).not.toHaveProperty("tool_choice");
    expect(convert({ tools: onlySearch }).request).not.toHaveProperty("tools");
    expect(refusal(() => convert({ tools: onlySearch, tool_choice: "required" })).param).toBe("tool_choice");
  });

  it("refuses two tools with the same function name", () => {
    const tools = [
      { type: "function", name: "a__b" },
      { type: "namespace", name: "a", tools: [{ type: "function", name: "b" }] },
    ];
    expect(refusal(() => convert({ tools })).param).toBe("tools[1].tools[0].name");
  });
});
