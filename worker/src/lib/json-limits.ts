/**
 * Shape limits of a JSON request body, checked on the raw bytes before anything parses them, so no later step
 * (JSON.parse, zod, the converters, the prompt-cache canonical form, JSON.stringify on the way upstream) ever sees a
 * structure deep or wide enough to exhaust the stack, the memory or the CPU time of a request.
 *
 * | limit | value | why this much |
 * |---|---|---|
 * | nesting depth (objects and arrays) | 128 | the deepest real JSON Schema tool definitions use a few dozen levels |
 * | entries of one array or object | 100,000 | Anthropic's documented maximum of messages per request |
 * | JSON values in the whole body | 1,000,000 | about ten values per 100 bytes of a 10 MiB body of real messages |
 *
 * Strings are bounded only by the body limit (`MAX_REQUEST_BYTES`): a base64 image is one long string.
 */
export interface JsonLimits {
  maxDepth: number;
  maxEntries: number;
  maxValues: number;
}

export const JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 128, maxEntries: 100_000, maxValues: 1_000_000 };

export type JsonLimitViolation =
  { kind: "depth"; limit: number } | { kind: "entries"; limit: number } | { kind: "values"; limit: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/**
 * Scans UTF-8 JSON bytes once (linear time, constant stack, no allocation beyond one counter per open level) and
 * returns the first limit exceeded, or null. It does not validate the JSON: malformed input that stays within the
 * limits is left for JSON.parse to refuse. Bytes of multi-byte UTF-8 characters never equal an ASCII delimiter, so
 * scanning bytes is exact.
 */
export function checkJsonLimits(
  bytes: Uint8Array,
  limits: Readonly<JsonLimits> = JSON_LIMITS,
): JsonLimitViolation | null {
  // entries[d] counts the commas seen at depth d (entries - 1), bounded by maxDepth levels.
  const entries = new Uint32Array(limits.maxDepth + 1);
  let depth = 0;
  // Values are counted at their first byte: a quote, an opening bracket, or a scalar's first character.
  let values = 0;
  let expectingValue = true;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === QUOTE) {
      if (expectingValue) values++;
      index = closingQuote(bytes, index + 1);
      expectingValue = false;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      values++;
      depth++;
      if (depth > limits.maxDepth) return { kind: "depth", limit: limits.maxDepth };
      entries[depth] = 0;
      expectingValue = true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (depth > 0) depth--;
      expectingValue = false;
    } else if (byte === COMMA) {
      entries[depth]! += 1;
      if (entries[depth]! >= limits.maxEntries) return { kind: "entries", limit: limits.maxEntries };
      expectingValue = true;
    } else if (byte === COLON) {
      expectingValue = true;
    } else if (expectingValue && byte > 0x20) {
      // The first character of a number, true, false or null.
      values++;
      expectingValue = false;
    }
    if (values > limits.maxValues) return { kind: "values", limit: limits.maxValues };
  }
  return null;
}

/** The index of the quote closing a string that starts at `from`, or the last index when it is never closed. */
function closingQuote(bytes: Uint8Array, from: number): number {
  let index = from;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, index);
    if (quote === -1) return bytes.length - 1;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && bytes[quote - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    index = quote + 1;
  }
}

/** The 400 message for a violation. */
export function describeJsonLimitViolation(violation: JsonLimitViolation): string {
  switch (violation.kind) {
    case "depth":
      return `The request body is nested more than ${violation.limit} levels deep.`;
    case "entries":
      return `An array or object in the request body has more than ${violation.limit} entries.`;
    case "values":
      return `The request body holds more than ${violation.limit} JSON values.`;
  }
}
