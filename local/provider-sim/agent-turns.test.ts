/**
 * What a coding agent needs of the simulator: a tool call with the agent's own arguments (`tool_args`), text once the
 * tool's result is back (the `tool` marker stays in the history), and Gemini's countTokens.
 */
import { describe, expect, it } from "vitest";
import { endsWithToolResult } from "./prompt-text.ts";
import { postJson, useSimulator } from "./test-helpers.ts";
import { countTokens } from "./tokens.ts";

const simulator = useSimulator();
const anthropicKey = { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" };
const args = { file_path: "/tmp/notes.txt" };
const marker = `Read it [[sim tool=Read tool_args=${Buffer.from(JSON.stringify(args)).toString("base64url")}]]`;
const tools = [{ name: "Read", description: "Reads a file", input_schema: { type: "object" } }];

type Block = { type: string; input?: unknown; id?: string; text?: string };

describe("agent turns", () => {
  it("calls the tool with tool_args, then answers with text once the tool result is the last turn", async () => {
    const first = await postJson(
      `${simulator.url}/anthropic/v1/messages`,
      { model: "claude-haiku-5-5", max_tokens: 100, tools, messages: [{ role: "user", content: marker }] },
      anthropicKey,
    );
    const call = ((await first.json()) as { content: Block[] }).content.find((block) => block.type === "tool_use");
    expect(call?.input).toEqual(args);

    const history = [
      { role: "user", content: marker },
      { role: "assistant", content: [call] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call?.id, content: "1\thello" }] },
      // Claude Code adds context notes as system messages after the turn.
      { role: "system", content: [{ type: "text", text: "<total_tokens>1000 tokens left</total_tokens>" }] },
    ];
    const second = await postJson(
      `${simulator.url}/anthropic/v1/messages`,
      { model: "claude-haiku-5-5", max_tokens: 100, tools, messages: history },
      anthropicKey,
    );
    const content = ((await second.json()) as { content: Block[] }).content;
    expect(content.map((block) => block.type)).toEqual(["text"]);
  });

  it("refuses tool_args that are not base64url of a JSON object", async () => {
    const bad = Buffer.from("[1,2]").toString("base64url");
    const response = await postJson(
      `${simulator.url}/anthropic/v1/messages`,
      {
        model: "claude-haiku-5-5",
        max_tokens: 100,
        tools,
        messages: [{ role: "user", content: `[[sim tool=Read tool_args=${bad}]]` }],
      },
      anthropicKey,
    );
    expect(response.status).toBe(400);
  });

  it("recognises a tool result as the last turn in every dialect", () => {
    expect(
      endsWithToolResult({
        messages: [
          { role: "user", content: "x" },
          { role: "tool", content: "r" },
        ],
      }),
    ).toBe(true);
    expect(endsWithToolResult({ messages: [{ role: "user", content: "x" }] })).toBe(false);
    expect(endsWithToolResult({ contents: [{ role: "user", parts: [{ functionResponse: { name: "f" } }] }] })).toBe(
      true,
    );
    expect(endsWithToolResult({ contents: [{ role: "user", parts: [{ text: "x" }] }] })).toBe(false);
  });

  it("counts Gemini tokens for contents or a generateContentRequest, system and tools included", async () => {
    const url = `${simulator.url}/gemini/v1beta/models/gemini-3.8-flash:countTokens`;
    const key = { "x-goog-api-key": "AIza-test" };
    const plain = await postJson(url, { contents: [{ role: "user", parts: [{ text: "one two three" }] }] }, key);
    expect(((await plain.json()) as { totalTokens: number }).totalTokens).toBe(countTokens("one two three"));
    const full = await postJson(
      url,
      {
        generateContentRequest: {
          model: "models/gemini-3.8-flash",
          systemInstruction: { parts: [{ text: "Be brief." }] },
          contents: [{ role: "user", parts: [{ text: "one two three" }] }],
        },
      },
      key,
    );
    expect(((await full.json()) as { totalTokens: number }).totalTokens).toBe(
      countTokens("Be brief.") + countTokens("one two three"),
    );
    expect((await postJson(url, { contents: [] }, key)).status).toBe(400);
  });
});
