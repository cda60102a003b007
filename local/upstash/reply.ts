/**
 * The shape every backend hands back to the HTTP layer, independent of ioredis or ioredis-mock quirks.
 */

/** A Redis reply after normalisation: nil, integer, string (text or raw bytes) or an array of those. */
export type ReplyValue = null | number | string | Uint8Array | ReplyValue[];

/** One entry of a pipeline or transaction response before encoding. */
export type CommandOutcome = { result: ReplyValue } | { error: string };

/**
 * An error reply from Redis (or from this stand-in acting like Redis). The message is exactly the text the client
 * sees in `{"error": ...}`, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
 */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/**
 * Converts whatever a Redis client library returned into a ReplyValue. Guarantees: Buffers stay bytes, integers stay
 * numbers, non-integer numbers become their decimal string (Redis sends floats as bulk strings), booleans become 1 /
 * nil (Lua's conversion rules), plain objects (ioredis-mock's HGETALL) become flat `[field, value, ...]` arrays, and
 * error objects nested in arrays become their message text.
 */
export function normalizeReply(raw: unknown): ReplyValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "string") return raw;
  if (typeof raw === "number") return Number.isInteger(raw) ? raw : Number.isNaN(raw) ? null : String(raw);
  if (typeof raw === "bigint") return String(raw);
  if (typeof raw === "boolean") return raw ? 1 : null;
  if (raw instanceof Uint8Array) return raw;
  if (Array.isArray(raw)) return raw.map((element) => normalizeReply(element));
  if (raw instanceof Error) return raw.message;
  if (raw instanceof Map)
    return [...raw.entries()].flatMap(([key, value]) => [normalizeReply(key), normalizeReply(value)]);
  if (typeof raw === "object") {
    return Object.entries(raw).flatMap(([key, value]) => [key, normalizeReply(value)]);
  }
  return String(raw);
}

/** Turns an unknown thrown value into the Redis-style error text sent to the client. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    // ioredis-mock signals internal failures with TypeErrors; give them a Redis-like prefix.
    if (error instanceof TypeError) return `ERR ${error.message}`;
    return error.message;
  }
  return `ERR ${String(error)}`;
}
