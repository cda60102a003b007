import type { CommandOutcome, ReplyValue } from "./reply.ts";

/** A JSON-ready result value as Upstash puts it in `{"result": ...}`. */
export type JsonResult = null | number | string | JsonResult[];

/** A JSON-ready `{result}` / `{error}` entry. */
export type JsonOutcome = { result: JsonResult } | { error: string };

const textDecoder = new TextDecoder("utf-8", { fatal: false });
const textEncoder = new TextEncoder();

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? textEncoder.encode(value) : value;
}

function toText(value: string | Uint8Array): string {
  return typeof value === "string" ? value : textDecoder.decode(value);
}

function encodeNested(value: ReplyValue, base64: boolean): JsonResult {
  if (value === null || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((element) => encodeNested(element, base64));
  return base64 ? Buffer.from(toBytes(value)).toString("base64") : toText(value);
}

/**
 * Encodes one command result the way Upstash does.
 * - Without base64: strings and bytes become UTF-8 text (invalid bytes become U+FFFD), integers and nil unchanged.
 * - With base64: every string, at any depth of nested arrays, becomes the base64 of its bytes; integers and nil stay;
 *   the one exception is a top-level `OK`, which stays plain. Inside arrays `OK` is encoded too, because
 *   `@upstash/redis` base64-decodes every string it finds in an array (a plain `OK` there would decode to garbage).
 */
export function encodeResult(value: ReplyValue, base64: boolean): JsonResult {
  if (base64 && (typeof value === "string" || value instanceof Uint8Array) && toText(value) === "OK") return "OK";
  return encodeNested(value, base64);
}

/** Encodes a `{result}` / `{error}` outcome; error texts are never encoded. */
export function encodeOutcome(outcome: CommandOutcome, base64: boolean): JsonOutcome {
  return "error" in outcome ? { error: outcome.error } : { result: encodeResult(outcome.result, base64) };
}

/** Size of a result in bytes (strings as UTF-8), for logging without revealing content. */
export function replySize(value: ReplyValue): number {
  if (value === null || typeof value === "number") return 0;
  if (Array.isArray(value)) return value.reduce<number>((total, element) => total + replySize(element), 0);
  return typeof value === "string" ? Buffer.byteLength(value) : value.byteLength;
}
