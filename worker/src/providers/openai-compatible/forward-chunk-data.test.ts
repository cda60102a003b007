import { describe, expect, it } from "vitest";
import { generatedCharacters, reasoningCharacters } from "../../lib/estimate-usage.ts";
import { joinBytes } from "../../lib/join-bytes.ts";
import { forwardChunkData, modelFieldOf } from "./forward-chunk-data.ts";

const MODEL_FIELD = modelFieldOf("deepseek/deepseek-flash");
const base = { id: "c1", object: "chat.completion.chunk", created: 1, model: "deepseek-flash" };
const data = (delta: Record<string, unknown>, extra: Record<string, unknown> = { usage: null }) =>
  JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...extra });

const utf8 = new TextEncoder();
/** `text` as the data of an SSE event (`data: ` before it, the event's end after), scanned in place. */
function forward(text: string | Uint8Array) {
  const body = typeof text === "string" ? utf8.encode(text) : text;
  const event = joinBytes([utf8.encode("data: "), body, utf8.encode("\n\n")]);
  return forwardChunkData(event, 6, 6 + body.byteLength, MODEL_FIELD);
}
/** A plain chunk whose content string holds `content`, raw bytes. */
function withContentBytes(content: number[]): Uint8Array {
  const [before, after] = data({ content: "x" }).split('"x"') as [string, string];
  return joinBytes([utf8.encode(`${before}"`), new Uint8Array(content), utf8.encode(`"${after}`)]);
}
const jsonOf = (forwarded: ReturnType<typeof forward>) =>
  forwarded ? new TextDecoder().decode(joinBytes(forwarded.json)) : null;

describe("forwardChunkData", () => {
  const plain = [
    data({ role: "assistant", content: "" }),
    data({ content: "Héllo wörld 🌏" }),
    data({ content: 'say "hi"\nthen\tgo \\ \u00e9 \u2028 \u0001' }),
    data({ content: "中文回答，包括标点。" }),
    data({ reasoning_content: 'think: "why"' }),
    data({ content: "no usage field" }, {}),
    data({ content: null, reasoning_content: "🌏🌏" }),
    data({ content: "x" }, { system_fingerprint: "fp_1" }),
    JSON.stringify({
      ...base,
      choices: [
        { index: 0, delta: { content: "a" } },
        { index: 1, delta: { content: "bc" } },
      ],
    }),
  ];

  it.each(plain)("forwards a plain chunk as the translator's chunk, counting its text as parsing would: %s", (text) => {
    const forwarded = forward(text);
    const parsed = JSON.parse(text) as { choices: Array<{ delta?: unknown }> };
    expect(forwarded).not.toBeNull();
    expect(jsonOf(forwarded)).toBe(JSON.stringify({ ...parsed, model: "deepseek/deepseek-flash" }));
    expect(forwarded?.generatedCharacters).toBe(generatedCharacters(parsed.choices));
    expect(forwarded?.reasoningCharacters).toBe(reasoningCharacters(parsed.choices));
    expect(forwarded?.nullUsageTail).toBe(text.endsWith(',"usage":null}'));
  });

  it("counts escapes as the characters they decode to, and keeps them as sent", () => {
    const text = data({ content: "x" }).replace('"x"', '"caf\\u00e9 \\ud83c\\udf0f \\/"');
    const forwarded = forward(text);
    expect(jsonOf(forwarded)).toBe(text.replace('"deepseek-flash"', '"deepseek/deepseek-flash"'));
    expect(forwarded?.generatedCharacters).toBe("café 🌏 /".length);
  });

  it("leaves the upstream's bytes as they are: the parts around the model field are views of them", () => {
    const body = utf8.encode(data({ content: "x" }));
    const event = joinBytes([utf8.encode("data: "), body, utf8.encode("\n\n")]);
    const forwarded = forwardChunkData(event, 6, 6 + body.byteLength, MODEL_FIELD);
    expect(forwarded?.json[0]?.buffer).toBe(event.buffer);
    expect(forwarded?.json[1]).toBe(MODEL_FIELD);
    expect(forwarded?.json[2]?.buffer).toBe(event.buffer);
  });

  const notPlain: Array<[string, string | Uint8Array]> = [
    [
      "a finish reason",
      JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null }),
    ],
    [
      "a finish reason that is not a string",
      data({ content: "x" }).replace('"finish_reason":null', '"finish_reason":1'),
    ],
    ["a usage report", JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } })],
    ["a second usage field", data({ content: "x" }, { extra: { usage: null }, usage: null })],
    ["usage not last", JSON.stringify({ ...base, usage: null, choices: [{ index: 0, delta: { content: "x" } }] })],
    ["an error", JSON.stringify({ error: { message: "overloaded", model: "x" } })],
    ["an error beside a chunk", data({ content: "x" }, { error: null })],
    ["tool calls", data({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] })],
    ["spaced JSON", JSON.stringify(JSON.parse(data({ content: "x" })), null, 1).replace(/\n/g, "")],
    ["a space between members", data({ content: "x" }).replace(',"object"', ', "object"')],
    ["no model", JSON.stringify({ id: "c1", choices: [{ index: 0, delta: { content: "x" } }] })],
    ["a model that is not a string", JSON.stringify({ ...base, model: null, choices: [] })],
    ["two model keys", data({ content: "x", model: "other" })],
    ["an escaped model", data({ content: "x" }).replace('"deepseek-flash"', '"deep\\"seek"')],
    ["a key spelled with an escape", data({ content: "x" }).replace('"usage"', '"usag\\u0065"')],
    ["not an object", '["model"]'],
    ["text after the object", `${data({ content: "x" })}{}`],
    ["an unterminated object", data({ content: "x" }).slice(0, -1)],
    ["mismatched brackets", data({ content: "x" }).replace("}]", "]]")],
    ["a raw newline in a string", data({ content: "x" }).replace('"x"', '"a\nb"')],
    ["a bad escape", data({ content: "x" }).replace('"x"', '"a\\qb"')],
    ["a short unicode escape", data({ content: "x" }).replace('"x"', '"a\\u00e"')],
    ["invalid UTF-8 (a lone continuation byte)", withContentBytes([0x61, 0x80])],
    ["an overlong encoding", withContentBytes([0xc0, 0xaf])],
    ["a sequence cut by the string's end", withContentBytes([0xe4, 0xb8])],
  ];

  it.each(notPlain)("leaves %s to the parser (null)", (_name, text) => {
    expect(forward(text)).toBeNull();
  });

  it("accepts exactly the UTF-8 that TextDecoder accepts without replacement", () => {
    const sequences = [
      [0xc2, 0x80],
      [0xdf, 0xbf],
      [0xe0, 0xa0, 0x80],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xef, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xc1, 0xbf],
      [0xe1, 0x80],
    ];
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    for (const sequence of sequences) {
      const bytes = withContentBytes(sequence);
      let valid = true;
      try {
        strict.decode(new Uint8Array(sequence));
      } catch {
        valid = false;
      }
      expect([sequence, forward(bytes) !== null]).toEqual([sequence, valid]);
    }
  });
});
