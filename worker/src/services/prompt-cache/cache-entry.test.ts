import { describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import {
  createStreamRecorder,
  jsonEntry,
  parseEntry,
  serializeEntry,
  streamEntry,
  type CacheEntry,
} from "./cache-entry.ts";
import { chunk, REALISTIC_CHUNKS, USAGE, USAGE_CHUNK } from "./test-streams.fixture.ts";

const BODY: ChatCompletion = {
  id: "chatcmpl-abc",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "openai/gpt-5-mini",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Grüezi 🗻" } }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
};
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function recordAll(maxBytes: number, chunks: ChatCompletionChunk[] = REALISTIC_CHUNKS) {
  const recorder = createStreamRecorder(maxBytes);
  for (const item of chunks) recorder.add(item);
  recorder.setUsage(USAGE, USAGE_CHUNK);
  return recorder.finish();
}

describe("serializeEntry / parseEntry", () => {
  it("round-trips json and stream entries, keeping unknown fields", () => {
    const entries: CacheEntry[] = [
      jsonEntry({ ...BODY, system_fingerprint: "fp_1" }, USAGE),
      streamEntry(REALISTIC_CHUNKS, USAGE, USAGE_CHUNK),
      streamEntry([], { ...USAGE, source: "estimated" }, USAGE_CHUNK),
    ];
    for (const entry of entries) expect(parseEntry(serializeEntry(entry))).toEqual(entry);
  });

  it("keeps the field order of the stored answer (replayed bytes depend on it)", () => {
    const entry = streamEntry(
      [{ ...USAGE_CHUNK, choices: [], object: "chat.completion.chunk", id: "z", system_fingerprint: "fp" }],
      USAGE,
      USAGE_CHUNK,
    );
    const bytes = serializeEntry(entry);
    expect(serializeEntry(parseEntry(bytes)!)).toEqual(bytes);
  });

  it("accepts chunks without finish_reason or delta (some upstreams leave them out)", () => {
    const loose = { ...USAGE_CHUNK, choices: [{ index: 0 }] } as unknown as ChatCompletionChunk;
    expect(parseEntry(serializeEntry(streamEntry([loose], USAGE, USAGE_CHUNK)))).not.toBeNull();
  });

  it("returns null, never throwing, for anything that is not an entry of this version", () => {
    const stream = JSON.parse(JSON.stringify(streamEntry(REALISTIC_CHUNKS, USAGE, USAGE_CHUNK))) as Record<
      string,
      unknown
    >;
    const json = JSON.parse(JSON.stringify(jsonEntry(BODY, USAGE))) as Record<string, unknown>;
    const garbage: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d),
      new TextEncoder().encode('{"v":1,'),
      encode(null),
      encode([]),
      encode("entry"),
      encode({ ...stream, v: 2 }),
      encode({ ...stream, v: "1" }),
      encode({ ...stream, kind: "other" }),
      encode({ ...stream, usage: undefined }),
      encode({ ...stream, usageChunk: undefined }),
      encode({ ...stream, usage: { ...USAGE, output: -1 } }),
      encode({ ...stream, usage: { ...USAGE, source: "guessed" } }),
      encode({ ...stream, chunks: [{ ...REALISTIC_CHUNKS[0], object: "chat.completion" }] }),
      encode({ ...stream, chunks: [{ ...REALISTIC_CHUNKS[0], choices: "none" }] }),
      encode({ ...stream, chunks: {} }),
      encode({ ...json, body: { ...BODY, choices: undefined } }),
      encode({ ...json, body: { ...BODY, id: 7 } }),
      encode({ ...json, body: { ...BODY, choices: [{ index: 0, finish_reason: "stop" }] } }),
      encode({ ...json, kind: "stream" }),
    ];
    for (const bytes of garbage) expect(parseEntry(bytes)).toBeNull();
  });
});

describe("createStreamRecorder", () => {
  it("stores the bytes serializeEntry gives for the same entry built from parsed chunks", () => {
    const entry = recordAll(1024 * 1024);
    expect(entry).not.toBeNull();
    const built = streamEntry(REALISTIC_CHUNKS, USAGE, USAGE_CHUNK);
    expect(new TextDecoder().decode(serializeEntry(entry!))).toBe(JSON.stringify(built));
    expect(entry).toEqual(built);
  });

  it("stores forwarded chunk text as sent, which reads back to the chunk it spells", () => {
    const recorder = createStreamRecorder(1024 * 1024);
    const text =
      '{"id":"c","object":"chat.completion.chunk","created":1.0,"model":"m","choices":[{"index":0,' +
      '"delta":{"content":"caf\\u00e9 \\"q\\""},"finish_reason":null}]}';
    const bytes = new TextEncoder().encode(text);
    // In parts, as a forwarded chunk gives them (views around the new model field).
    recorder.addBytes([bytes.subarray(0, 10), bytes.subarray(10, 40), bytes.subarray(40)]);
    recorder.add(REALISTIC_CHUNKS[0]!);
    recorder.setUsage(USAGE, USAGE_CHUNK);
    const entry = recorder.finish();
    const expected = streamEntry([JSON.parse(text) as ChatCompletionChunk, REALISTIC_CHUNKS[0]!], USAGE, USAGE_CHUNK);
    expect(parseEntry(serializeEntry(entry!))).toEqual(expected);
    expect(entry).toEqual(expected);
  });

  it("records the chunks in order with the usage and usage chunk", () => {
    expect(recordAll(1 << 20)).toEqual(streamEntry(REALISTIC_CHUNKS, USAGE, USAGE_CHUNK));
  });

  it("keeps the serialized entry within maxBytes, to the exact byte", () => {
    const entry = recordAll(1 << 20);
    expect(entry).not.toBeNull();
    const size = serializeEntry(entry!).byteLength;
    expect(recordAll(size)).toEqual(entry);
    expect(recordAll(size - 1)).toBeNull();
  });

  it("counts bytes, not characters, and for an empty stream too", () => {
    const wide = [chunk({ content: "🌏".repeat(100) })];
    const entry = recordAll(1 << 20, wide);
    const size = serializeEntry(entry!).byteLength;
    expect(recordAll(size, wide)).not.toBeNull();
    expect(recordAll(size - 1, wide)).toBeNull();
    const empty = recordAll(1 << 20, []);
    expect(empty).toEqual(streamEntry([], USAGE, USAGE_CHUNK));
    expect(recordAll(serializeEntry(empty!).byteLength - 1, [])).toBeNull();
  });

  it("gives up for good once the chunks exceed maxBytes", () => {
    const recorder = createStreamRecorder(2_000);
    for (let index = 0; index < 50; index += 1) recorder.add(chunk({ content: "x".repeat(100) }));
    recorder.add(chunk({}, "stop"));
    recorder.setUsage(USAGE, USAGE_CHUNK);
    expect(recorder.finish()).toBeNull();
  });

  it("returns null for a stream without usage", () => {
    const recorder = createStreamRecorder(1 << 20);
    for (const item of REALISTIC_CHUNKS) recorder.add(item);
    expect(recorder.finish()).toBeNull();
  });

  it("keeps the last usage chunk and the last usage (what the live surfaces send in their final event)", () => {
    const recorder = createStreamRecorder(1 << 20);
    recorder.add(chunk({ content: "hi" }, "stop"));
    const secondChunk = { ...USAGE_CHUNK, id: "second" };
    const lastUsage = { ...USAGE, output: 43 };
    recorder.setUsage(USAGE, USAGE_CHUNK);
    recorder.setUsage(lastUsage, secondChunk);
    const entry = recorder.finish();
    expect(entry).toMatchObject({ kind: "stream", usage: lastUsage, usageChunk: secondChunk });
  });

  it("copies chunks when they are added", () => {
    const recorder = createStreamRecorder(1 << 20);
    const live = chunk({ content: "original" });
    recorder.add(live);
    (live.choices[0]!.delta as Record<string, unknown>).content = "changed later";
    recorder.setUsage(USAGE, USAGE_CHUNK);
    const entry = recorder.finish();
    expect(entry?.kind === "stream" ? entry.chunks[0]?.choices[0]?.delta : null).toEqual({ content: "original" });
  });
});
