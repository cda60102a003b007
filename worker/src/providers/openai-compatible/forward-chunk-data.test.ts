import { describe, expect, it } from "vitest";
import { generatedCharacters, reasoningCharacters } from "../../lib/estimate-usage.ts";
import { forwardChunkData, modelFieldOf } from "./forward-chunk-data.ts";

const MODEL_FIELD = modelFieldOf("deepseek/deepseek-flash");
const base = { id: "c1", object: "chat.completion.chunk", created: 1, model: "deepseek-flash" };
const data = (delta: Record<string, unknown>, extra: Record<string, unknown> = { usage: null }) =>
  JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...extra });

describe("forwardChunkData", () => {
  const plain = [
    data({ role: "assistant", content: "" }),
    data({ content: "Héllo wörld 🌏" }),
    data({ content: 'say "hi"\nthen\tgo \\ \u00e9 \u2028' }),
    data({ reasoning_content: 'think: "why"' }),
    data({ content: "no usage field" }, {}),
    JSON.stringify({
      ...base,
      choices: [
        { index: 0, delta: { content: "a" } },
        { index: 1, delta: { content: "bc" } },
      ],
    }),
  ];

  it.each(plain)("forwards a plain chunk as the translator's chunk, counting its text as parsing would: %s", (text) => {
    const forwarded = forwardChunkData(text, MODEL_FIELD);
    const parsed = JSON.parse(text) as { choices: Array<{ delta?: unknown }> };
    expect(forwarded).not.toBeNull();
    expect(forwarded?.json).toBe(JSON.stringify({ ...parsed, model: "deepseek/deepseek-flash" }));
    expect(forwarded?.generatedCharacters).toBe(generatedCharacters(parsed.choices));
    expect(forwarded?.reasoningCharacters).toBe(reasoningCharacters(parsed.choices));
  });

  const notPlain: Array<[string, string]> = [
    [
      "a finish reason",
      JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null }),
    ],
    ["a usage report", JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } })],
    ["a second usage field", data({ content: "x" }, { extra: { usage: null }, usage: null })],
    ["usage not last", JSON.stringify({ ...base, usage: null, choices: [{ index: 0, delta: { content: "x" } }] })],
    ["an error", JSON.stringify({ error: { message: "overloaded", model: "x" } })],
    ["tool calls", data({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] })],
    ["spaced JSON", JSON.stringify(JSON.parse(data({ content: "x" })), null, 1).replace(/\n/g, "")],
    ["no model", JSON.stringify({ id: "c1", choices: [{ index: 0, delta: { content: "x" } }] })],
    ["two model keys", data({ content: "x", model: "other" })],
    ["an escaped model", data({ content: "x" }).replace('"deepseek-flash"', '"deep\\"seek"')],
    ["not an object", '["model"]'],
  ];

  it.each(notPlain)("leaves %s to the parser (null)", (_name, text) => {
    expect(forwardChunkData(text, MODEL_FIELD)).toBeNull();
  });
});
