/**
 * The same-dialect fast path of an OpenAI-dialect stream (docs/hot-path.md, "Streams"): a plain content chunk goes to
 * an OpenAI chat client as the upstream wrote it, with only its `model` value replaced, in the event's bytes: one pass
 * over them, no decode, no JSON parse or stringify, no encode. "Plain" is decided in that pass, and everything else
 * returns null so the caller decodes, parses and translates the event as before:
 *
 * | the data holds | why it is not plain |
 * |---|---|
 * | whitespace or a raw control byte outside a string, unbalanced brackets, text after the object | not compact JSON |
 * | invalid UTF-8, a raw control byte or a bad escape in a string | the full path decodes it otherwise (or fails) |
 * | a key spelled with an escape | it could spell one of the keys below |
 * | a `usage` key but a trailing top-level `,"usage":null}` | a usage report (Kimi's on `choices[0]` too) is billed |
 * | a `finish_reason` other than `null` | the finish reason goes to the usage row and ends the content |
 * | an `error` key | the upstream's in-stream error |
 * | a `tool_calls` key | tool-call text is counted for the estimate by the parser |
 * | no top-level `model` string, a second `model` key, or an escape in its value | the one `model` is not certain |
 *
 * The generated text is counted in the same pass: the UTF-16 length (as JavaScript counts it) of every string value
 * of a `content` or `reasoning_content` key, from its UTF-8 bytes and escapes.
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
import type { ForwardedChunk } from "../types.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Deeper nesting is left to the parser (the bracket kinds are kept as bits of one number). */
const MAX_DEPTH = 30;

const utf8 = new TextEncoder();
const KEY = {
  model: utf8.encode("model"),
  usage: utf8.encode("usage"),
  error: utf8.encode("error"),
  content: utf8.encode("content"),
  toolCalls: utf8.encode("tool_calls"),
  finishReason: utf8.encode("finish_reason"),
  reasoningContent: utf8.encode("reasoning_content"),
};
const NULL_END = utf8.encode("null}");

/** Whether `bytes[start, start + word.length)` is `word`. */
function bytesAre(bytes: Uint8Array, start: number, word: Uint8Array): boolean {
  for (let index = 0; index < word.length; index += 1) if (bytes[start + index] !== word[index]) return false;
  return true;
}

/** The length of the valid UTF-8 sequence of a non-ASCII lead byte at `at` (RFC 3629, table 3-7), or 0. */
function utf8SequenceLength(bytes: Uint8Array, at: number, end: number): number {
  const lead = bytes[at] as number;
  let length = 4;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    else if (lead === 0xed) high = 0x9f;
  } else if (lead === 0xf0) low = 0x90;
  else if (lead === 0xf4) high = 0x8f;
  else if (lead < 0xf1 || lead > 0xf3) return 0;
  if (at + length > end) return 0;
  const second = bytes[at + 1] as number;
  if (second < low || second > high) return 0;
  for (let index = 2; index < length; index += 1) {
    const next = bytes[at + index] as number;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

const isHex = (byte: number | undefined) =>
  byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66));

/** The length of the valid escape at `at` (a backslash), or 0. */
function escapeLength(bytes: Uint8Array, at: number, end: number): number {
  const next = bytes[at + 1];
  if (next === 0x75) {
    if (at + 6 > end) return 0;
    for (let offset = 2; offset < 6; offset += 1) if (!isHex(bytes[at + offset])) return 0;
    return 6;
  }
  // " \ / b f n r t
  const simple = next === 0x22 || next === 0x5c || next === 0x2f || next === 0x62 || next === 0x66;
  return at + 2 <= end && (simple || next === 0x6e || next === 0x72 || next === 0x74) ? 2 : 0;
}

/** What a key means to the scan: a role for its value, or that the chunk is not plain. */
const Role = { Other: 0, Model: 1, Usage: 2, FinishReason: 3, Content: 4, Reasoning: 5, NotPlain: 6 } as const;
type Role = (typeof Role)[keyof typeof Role];

function roleOf(bytes: Uint8Array, start: number, length: number): Role {
  switch (length) {
    case 5:
      if (bytesAre(bytes, start, KEY.model)) return Role.Model;
      if (bytesAre(bytes, start, KEY.usage)) return Role.Usage;
      return bytesAre(bytes, start, KEY.error) ? Role.NotPlain : Role.Other;
    case 7:
      return bytesAre(bytes, start, KEY.content) ? Role.Content : Role.Other;
    case 10:
      return bytesAre(bytes, start, KEY.toolCalls) ? Role.NotPlain : Role.Other;
    case 13:
      return bytesAre(bytes, start, KEY.finishReason) ? Role.FinishReason : Role.Other;
    case 17:
      return bytesAre(bytes, start, KEY.reasoningContent) ? Role.Reasoning : Role.Other;
    default:
      return Role.Other;
  }
}

/**
 * The data `bytes[start, end)` (one event's data, on one line) with its model set to `modelField` (the UTF-8 of
 * `"model":<JSON string>`, `modelFieldOf`) when it is a plain content chunk as the table above defines it; otherwise
 * null. The result's `json` holds views of `bytes` around `modelField`: `bytes` must not change afterwards.
 */
export function forwardChunkData(
  bytes: Uint8Array,
  start: number,
  end: number,
  modelField: Uint8Array,
): ForwardedChunk | null {
  if (start >= end || bytes[start] !== OPEN_OBJECT) return null;
  let depth = 0;
  /** Bit `d` set: the container at depth `d + 1` is an array. */
  let arrays = 0;
  let modelAt = -1;
  let modelEnd = -1;
  let nullUsageTail = false;
  let generated = 0;
  let reasoning = 0;
  /** The role of the string value that comes next (set by its key), if it is a string. */
  let valueRole: Role = Role.Other;
  let index = start;
  while (index < end) {
    const byte = bytes[index] as number;
    if (byte === QUOTE) {
      const stringStart = index + 1;
      let units = 0;
      let escaped = false;
      index = stringStart;
      for (;;) {
        if (index >= end) return null;
        const inner = bytes[index] as number;
        if (inner === QUOTE) break;
        let length = 1;
        if (inner === BACKSLASH) {
          escaped = true;
          length = escapeLength(bytes, index, end);
        } else if (inner < 0x20) length = 0;
        else if (inner >= 0x80) length = utf8SequenceLength(bytes, index, end);
        if (length === 0) return null;
        index += length;
        // A 4-byte sequence is a surrogate pair in UTF-16; an escape (2 or 6 bytes) is one unit.
        units += length === 4 ? 2 : 1;
      }
      const stringEnd = index;
      index += 1;
      if (bytes[index] !== COLON || index >= end) {
        // A value: count it if its key asked for it.
        if (valueRole === Role.Model) {
          if (escaped) return null;
          modelEnd = stringEnd;
        } else if (valueRole === Role.Content) generated += units;
        else if (valueRole === Role.Reasoning) {
          generated += units;
          reasoning += units;
        }
        valueRole = Role.Other;
        continue;
      }
      if (escaped || (arrays & (1 << (depth - 1))) !== 0) return null;
      index += 1;
      const role = roleOf(bytes, stringStart, stringEnd - stringStart);
      const valueIsString = bytes[index] === QUOTE;
      if (role === Role.NotPlain) return null;
      if (role === Role.Model) {
        if (depth !== 1 || modelAt !== -1 || !valueIsString) return null;
        modelAt = stringStart - 1;
      } else if (role === Role.Usage) {
        // Only a top-level `usage: null` last in the object (as OpenAI sends it), right after a comma.
        const tail = depth === 1 && bytes[stringStart - 2] === COMMA && index + NULL_END.length === end;
        if (!tail || !bytesAre(bytes, index, NULL_END)) return null;
        nullUsageTail = true;
      } else if (role === Role.FinishReason) {
        if (index + 4 > end || !bytesAre(bytes, index, NULL_END.subarray(0, 4))) return null;
      }
      valueRole = valueIsString ? role : Role.Other;
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (depth === MAX_DEPTH) return null;
      arrays = byte === OPEN_ARRAY ? arrays | (1 << depth) : arrays & ~(1 << depth);
      depth += 1;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      const isArray = (arrays & (1 << (depth - 1))) !== 0;
      if (depth === 0 || isArray !== (byte === CLOSE_ARRAY)) return null;
      depth -= 1;
      if (depth === 0 && index !== end - 1) return null;
    } else if (byte <= 0x20 || byte >= 0x80) return null;
    index += 1;
  }
  if (depth !== 0 || modelEnd === -1) return null;
  return {
    json: [bytes.subarray(start, modelAt), modelField, bytes.subarray(modelEnd + 1, end)],
    nullUsageTail,
    generatedCharacters: generated,
    reasoningCharacters: reasoning,
  };
}

/** The replacement `model` field for `modelId` as UTF-8, built once per stream. */
export function modelFieldOf(modelId: string): Uint8Array {
  return utf8.encode(`"model":${JSON.stringify(modelId)}`);
}
