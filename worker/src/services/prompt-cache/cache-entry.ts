/**
 * What the prompt cache stores for one answer, before encryption: the internal (OpenAI-shaped) answer as the adapter
 * produced it, so it replays through any surface, streamed or not, whichever way it was first answered.
 *
 * - `json`: a non-streamed answer, the `ChatCompletion` the adapter parsed and its normalised usage.
 * - `stream`: a streamed answer, the `ChatCompletionChunk`s the translator emitted, in order, with the normalised
 *   usage and the OpenAI usage chunk (recorded by `createStreamRecorder`).
 *
 * Replayed answers keep the original `id` and `created`: the entry is that answer, served again (a client that
 * dedupes by id sees the same answer twice, which it is).
 */
import type { RequestCost } from "../../lib/cost.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { StreamEncoder, Surface } from "../../surfaces/types.ts";
import { toChunks, toCompletion } from "./completion-chunks.ts";
import { toOpenAIUsage } from "../../providers/convert-to-openai-usage.ts";
import { joinBytes } from "../../lib/join-bytes.ts";

export const CACHE_ENTRY_VERSION = 1;

export type CacheEntry =
  | { v: typeof CACHE_ENTRY_VERSION; kind: "json"; body: ChatCompletion; usage: NormalizedUsage }
  | {
      v: typeof CACHE_ENTRY_VERSION;
      kind: "stream";
      chunks: ChatCompletionChunk[];
      usage: NormalizedUsage;
      usageChunk: ChatCompletionChunk;
    };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
/** For entries this isolate recorded (valid UTF-8 by construction). */
const lenientDecoder = new TextDecoder();
const COMMA = textEncoder.encode(",");

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const isNullableString = (value: unknown): boolean => value === null || typeof value === "string";

// Hand checks rather than zod: a long streamed answer is thousands of chunks, and zod took about 35 ms to check a
// 750 kB entry in workerd (these: about 1 ms beyond the JSON.parse itself), on the request path of every cache hit.

function isNormalizedUsage(value: unknown): value is NormalizedUsage {
  return (
    isRecord(value) &&
    isCount(value.inputUncached) &&
    isCount(value.cacheRead) &&
    isCount(value.cacheWrite) &&
    isCount(value.output) &&
    isCount(value.reasoning) &&
    (value.source === "provider" || value.source === "estimated")
  );
}

/**
 * `id`, `created`, `model`, `object`, a `choices` array, and `usage` (the upstream's own object, as it came) if any.
 */
function isAnswer(
  value: unknown,
  object: "chat.completion" | "chat.completion.chunk",
): value is Json & { choices: unknown[] } {
  return (
    isRecord(value) &&
    value.object === object &&
    typeof value.id === "string" &&
    typeof value.created === "number" &&
    typeof value.model === "string" &&
    (value.usage === undefined || value.usage === null || isRecord(value.usage)) &&
    Array.isArray(value.choices)
  );
}

function isCompletion(value: unknown): value is ChatCompletion {
  return (
    isAnswer(value, "chat.completion") &&
    value.choices.every(
      (choice) =>
        isRecord(choice) && isCount(choice.index) && isRecord(choice.message) && isNullableString(choice.finish_reason),
    )
  );
}

/** Some upstreams leave `finish_reason` out of intermediate chunks; the encoders read a missing one as null. */
function isChunk(value: unknown): value is ChatCompletionChunk {
  return (
    isAnswer(value, "chat.completion.chunk") &&
    value.choices.every(
      (choice) =>
        isRecord(choice) &&
        isCount(choice.index) &&
        (choice.delta === undefined || isRecord(choice.delta)) &&
        (choice.finish_reason === undefined || isNullableString(choice.finish_reason)),
    )
  );
}

function isEntry(value: unknown): value is CacheEntry {
  if (!isRecord(value) || value.v !== CACHE_ENTRY_VERSION || !isNormalizedUsage(value.usage)) return false;
  if (value.kind === "json") return isCompletion(value.body);
  return (
    value.kind === "stream" && Array.isArray(value.chunks) && value.chunks.every(isChunk) && isChunk(value.usageChunk)
  );
}

/** A stream entry with its fields in the order `serializeEntry` writes them (the recorder counts bytes in it). */
export function streamEntry(
  chunks: ChatCompletionChunk[],
  usage: NormalizedUsage,
  usageChunk: ChatCompletionChunk,
): CacheEntry {
  return { v: CACHE_ENTRY_VERSION, kind: "stream", chunks, usage, usageChunk };
}

/** A json entry for a non-streamed answer. */
export function jsonEntry(body: ChatCompletion, usage: NormalizedUsage): CacheEntry {
  return { v: CACHE_ENTRY_VERSION, kind: "json", body, usage };
}

/**
 * The JSON of entries made by a stream recorder, written from the chunks' recorded text when the entry was made, so
 * that storing a streamed answer parses and stringifies none of its chunks (about 1 ms for a 50-chunk answer, on the
 * bench's workerd: docs/benchmarks/2026-12-06-streams.md, "Second pass").
 */
const recordedJson = new WeakMap<CacheEntry, Uint8Array>();

/** The entry as UTF-8 JSON; `parseEntry` reads it back to an equal entry. Not to be modified. */
export function serializeEntry(entry: CacheEntry): Uint8Array {
  return recordedJson.get(entry) ?? textEncoder.encode(JSON.stringify(entry));
}

/**
 * The entry in `bytes`, or null (never throws) for anything that is not a well-formed entry of this version:
 * invalid UTF-8 or JSON, a wrong shape (every field the types declare is checked), or another `v`. Unknown fields
 * are kept, in their order: the replayed bytes keep the field order the live answer had.
 */
export function parseEntry(bytes: Uint8Array): CacheEntry | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textDecoder.decode(bytes));
  } catch {
    return null;
  }
  return isEntry(parsed) ? parsed : null;
}

export interface StreamRecorder {
  /** One content chunk, in stream order. */
  add(chunk: ChatCompletionChunk): void;
  /**
   * One content chunk given as its compact UTF-8 JSON, in parts to be joined (a forwarded chunk's bytes: what `add`
   * would serialize, up to the spelling of strings and numbers), recorded without decoding or parsing it. The parts
   * are kept, not copied: they must not change afterwards.
   */
  addBytes(json: readonly Uint8Array[]): void;
  /** A usage report. Some upstreams report twice (Kimi); see `createStreamRecorder` for which one is kept. */
  setUsage(usage: NormalizedUsage, chunk: ChatCompletionChunk): void;
  /** The entry, or null when the stream had no usage report or its serialized entry exceeds `maxBytes`. */
  finish(): CacheEntry | null;
}

const placeholderUsage: NormalizedUsage = {
  inputUncached: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  source: "provider",
};
const placeholderChunk: ChatCompletionChunk = {
  id: "",
  object: "chat.completion.chunk",
  created: 0,
  model: "",
  choices: [],
};
const byteLength = (text: string): number => textEncoder.encode(text).byteLength;
/** The bytes of a serialized stream entry around its chunks, usage and usage chunk, measured on the real serializer. */
const ENVELOPE_BYTES =
  serializeEntry(streamEntry([], placeholderUsage, placeholderChunk)).byteLength -
  byteLength(JSON.stringify(placeholderUsage)) -
  byteLength(JSON.stringify(placeholderChunk));

/**
 * Records a streamed answer while it is sent: the route calls `add` for each `chunk-emit` part, `setUsage` for each
 * `usage-final` part, and `finish` only when the stream completed normally (a failed or cancelled stream is never
 * finished, so never stored).
 *
 * The entry never exceeds `maxBytes` once serialized (`serializeEntry`, exact byte count, taken once in `finish`,
 * whose bytes `serializeEntry` then returns). Once the chunks alone exceed it (counted in UTF-16 units as they come,
 * never more than their bytes), the recorder drops what it holds and ignores the rest of the stream, so its memory
 * stays bounded by `maxBytes` too. Chunks are copied (as JSON) when added: later changes to the objects are not
 * recorded.
 *
 * Of repeated usage reports it keeps the last usage chunk and the last usage, which is what the live stream used:
 * the surfaces, like billing, send the last report in their final event. A replay therefore gives the bytes the live
 * stream gave (its cost aside: a hit is billed as one), as long as the usage came after the content, as every adapter
 * sends it.
 */
export function createStreamRecorder(maxBytes: number): StreamRecorder {
  /** Each chunk as JSON text (`add`) or as its UTF-8 parts (`addBytes`). */
  let chunks: Array<string | readonly Uint8Array[]> = [];
  /**
   * The chunks' size: bytes, or UTF-16 units for a text (no more than its UTF-8 bytes), so a lower bound of the
   * entry's size.
   */
  let chunkUnits = 0;
  let overflowed = false;
  let usage: string | null = null;
  let usageChunk: string | null = null;

  const record = (chunk: string | readonly Uint8Array[], size: number): void => {
    chunks.push(chunk);
    chunkUnits += size;
    // With the commas between chunks; the usage is still to come. The exact size is counted once, in `finish`.
    if (ENVELOPE_BYTES + chunkUnits + chunks.length - 1 > maxBytes) {
      overflowed = true;
      chunks = [];
    }
  };

  return {
    add(chunk) {
      if (overflowed) return;
      const text = JSON.stringify(chunk);
      record(text, text.length);
    },
    addBytes(json) {
      if (overflowed) return;
      let size = 0;
      for (const part of json) size += part.byteLength;
      record(json, size);
    },
    setUsage(reportedUsage, chunk) {
      usage = JSON.stringify(reportedUsage);
      usageChunk = JSON.stringify(chunk);
    },
    finish() {
      if (overflowed || usage === null || usageChunk === null) return null;
      // The entry's JSON is its fields, in `streamEntry`'s order, around the recorded chunks, joined once. A forwarded
      // chunk's bytes are the upstream's compact JSON as sent: it may spell a string or a number otherwise than
      // JSON.stringify would (`\u00e9`), but it parses to the same chunk, so the stored entry reads back equal.
      const parts: Uint8Array[] = [textEncoder.encode(`{"v":${CACHE_ENTRY_VERSION},"kind":"stream","chunks":[`)];
      for (const [index, chunk] of chunks.entries()) {
        if (index > 0) parts.push(COMMA);
        if (typeof chunk === "string") parts.push(textEncoder.encode(chunk));
        else parts.push(...chunk);
      }
      parts.push(textEncoder.encode(`],"usage":${usage},"usageChunk":${usageChunk}}`));
      const bytes = joinBytes(parts);
      if (bytes.byteLength > maxBytes) return null;
      let parsed: ChatCompletionChunk[] | undefined;
      // The chunks are parsed only if something reads them (`serializeEntry` does not).
      const entry: CacheEntry = {
        v: CACHE_ENTRY_VERSION,
        kind: "stream",
        get chunks() {
          return (parsed ??= (JSON.parse(lenientDecoder.decode(bytes)) as { chunks: ChatCompletionChunk[] }).chunks);
        },
        usage: JSON.parse(usage) as NormalizedUsage,
        usageChunk: JSON.parse(usageChunk) as ChatCompletionChunk,
      };
      recordedJson.set(entry, bytes);
      return entry;
    },
  };
}

/**
 * The non-streamed answer in the surface's shape: exactly `surface.renderJson` of the stored answer (a stream entry
 * accumulated by `toCompletion`, with the usage chunk's usage). `modelId`, when given, replaces the answer's `model`;
 * it is the same catalog id by construction (the model is part of the canonical request).
 */
export function replayJson(entry: CacheEntry, surface: Surface, cost: RequestCost, modelId?: string): unknown {
  const body = entry.kind === "json" ? entry.body : toCompletion([...entry.chunks, entry.usageChunk]);
  return surface.renderJson(modelId === undefined ? body : { ...body, model: modelId }, entry.usage, cost);
}

/**
 * The bytes of the streamed answer through `encoder` (a fresh one, from the surface the client speaks): every chunk
 * to `encoder.chunk`, then `encoder.usage(entry.usage, usageChunk)`, then `encoder.end()`. For a stream entry these
 * are the bytes the live stream sent; a json entry is streamed as `toChunks` of its answer, with a usage chunk made
 * from its usage.
 */
export function replayStream(entry: CacheEntry, encoder: StreamEncoder, cost: RequestCost): Uint8Array[] {
  const { chunks, usageChunk } =
    entry.kind === "stream"
      ? entry
      : { chunks: toChunks(entry.body), usageChunk: usageChunkOf(entry.body, entry.usage) };
  return [
    ...chunks.flatMap((chunk) => encoder.chunk(chunk)),
    ...encoder.usage(entry.usage, usageChunk, cost),
    ...encoder.end(),
  ];
}

/** The OpenAI usage chunk of a non-streamed answer: its own usage object, else one made from the normalised usage. */
function usageChunkOf(body: ChatCompletion, usage: NormalizedUsage): ChatCompletionChunk {
  return {
    id: body.id,
    object: "chat.completion.chunk",
    created: body.created,
    model: body.model,
    choices: [],
    usage: body.usage ?? toOpenAIUsage(usage),
  };
}
