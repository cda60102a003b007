/**
 * Standard base64 (RFC 4648 section 4, with padding) for the stored cache entries. workerd has the native
 * `Uint8Array.prototype.toBase64` and `Uint8Array.fromBase64` (TC39 "Uint8Array to/from base64"), used when present;
 * elsewhere (Node 22, the unit tests) a table-driven codec: a megabyte takes about 5 ms each way in workerd, against
 * about 50 ms for `btoa(String.fromCharCode(...))`, and the native one less again (about 2.5 µs per 50-chunk entry
 * store saved on the streams bench's profile: docs/benchmarks/2026-12-06-streams.md, "Third pass").
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PADDING = 61; // "="
const encodeTable = new TextEncoder().encode(ALPHABET);
/** Character code -> 6-bit value, 255 for characters outside the alphabet. */
const decodeTable = new Uint8Array(256).fill(255);
for (const [value, code] of encodeTable.entries()) decodeTable[code] = value;

const textEncoder = new TextEncoder();
const asciiDecoder = new TextDecoder();

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
  fromBase64?: (text: string, options: { lastChunkHandling: "strict" }) => Uint8Array;
}
const nativeEncode = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeDecode = (Uint8Array as NativeBase64).fromBase64;
/** What `decodeBase64` accepts (the native decoder alone would also skip whitespace). */
const STANDARD_PADDED = /^[A-Za-z0-9+/]*={0,2}$/;

/** `bytes` as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return nativeEncode ? nativeEncode.call(bytes) : encodeWithTable(bytes);
}

/**
 * The bytes of standard padded base64 `text`, or null for anything else (other characters, wrong length or padding).
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (!nativeDecode) return decodeWithTable(text);
  if (text.length % 4 !== 0 || !STANDARD_PADDED.test(text)) return null;
  try {
    return nativeDecode(text, { lastChunkHandling: "strict" });
  } catch {
    return null;
  }
}

/** The table-driven encoder (no native one). */
export function encodeWithTable(bytes: Uint8Array): string {
  const output = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let out = 0;
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    output[out++] = encodeTable[triple >> 18]!;
    output[out++] = encodeTable[(triple >> 12) & 63]!;
    output[out++] = encodeTable[(triple >> 6) & 63]!;
    output[out++] = encodeTable[triple & 63]!;
  }
  const remaining = bytes.length - index;
  if (remaining > 0) {
    const triple = (bytes[index]! << 16) | (remaining === 2 ? bytes[index + 1]! << 8 : 0);
    output[out++] = encodeTable[triple >> 18]!;
    output[out++] = encodeTable[(triple >> 12) & 63]!;
    output[out++] = remaining === 2 ? encodeTable[(triple >> 6) & 63]! : PADDING;
    output[out] = PADDING;
  }
  return asciiDecoder.decode(output);
}

/** The table-driven decoder (no native one); as `decodeBase64`. */
export function decodeWithTable(text: string): Uint8Array | null {
  const input = textEncoder.encode(text);
  if (input.length % 4 !== 0) return null;
  const padding =
    input.length === 0 ? 0 : input[input.length - 1] !== PADDING ? 0 : input[input.length - 2] === PADDING ? 2 : 1;
  const output = new Uint8Array((input.length / 4) * 3 - padding);
  let out = 0;
  for (let index = 0; index < input.length; index += 4) {
    const last = index + 4 === input.length;
    const first = decodeTable[input[index]!]!;
    const second = decodeTable[input[index + 1]!]!;
    const third = last && padding === 2 ? 0 : decodeTable[input[index + 2]!]!;
    const fourth = last && padding >= 1 ? 0 : decodeTable[input[index + 3]!]!;
    if ((first | second | third | fourth) > 63) return null;
    const triple = (first << 18) | (second << 12) | (third << 6) | fourth;
    output[out++] = triple >> 16;
    if (out < output.length) output[out++] = (triple >> 8) & 255;
    if (out < output.length) output[out++] = triple & 255;
  }
  return output;
}
