/**
 * The `encrypted_content` of the reasoning items omnizen emits: what an upstream needs to see its own reasoning again
 * on the next turn of a stateless conversation (Codex echoes every reasoning item back verbatim). It is not
 * encrypted: it is the client's own answer, packed as `omz1.` + base64url(JSON):
 *
 * | field | what | sent back as |
 * |---|---|---|
 * | `v` | 1 | |
 * | `provider`, `model` | who produced it (catalog provider and model id) | restored only for the same model: a
 * signature or thought from another model is rejected or misleading there (litellm#40364) |
 * | `text` | the raw reasoning (`reasoning_content`) | `reasoning_content` on the next assistant message (DeepSeek
 * thinking mode requires it on every earlier assistant turn) |
 * | `signature` | Anthropic's thinking signature (`reasoning_signature`) | `reasoning_signature` beside it |
 * | `tool_signatures` | Gemini thought signatures by tool call id | `extra_content.google.thought_signature` on
 * that tool call |
 *
 * A value that is not ours (another gateway's, OpenAI's real encrypted content) or does not decode is ignored, never
 * an error: the conversation goes on without the reasoning, as a chat client's would.
 */
const PREFIX = "omz1.";

export interface ReasoningCarrier {
  v: 1;
  provider: string;
  model: string;
  text: string;
  signature?: string;
  tool_signatures?: Record<string, string>;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  // In slices: a spread of a long array can exceed the engine's argument limit.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Packs the carrier; `decodeReasoningCarrier` reads it back. */
export function encodeReasoningCarrier(carrier: Omit<ReasoningCarrier, "v">): string {
  return PREFIX + toBase64Url(textEncoder.encode(JSON.stringify({ v: 1, ...carrier })));
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === "string");

/** The carrier in `value`, or null for anything else (never throws). */
export function decodeReasoningCarrier(value: unknown): ReasoningCarrier | null {
  if (typeof value !== "string" || !value.startsWith(PREFIX)) return null;
  const bytes = fromBase64Url(value.slice(PREFIX.length));
  if (!bytes) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(textDecoder.decode(bytes));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const carrier = parsed as Record<string, unknown>;
  if (
    carrier.v !== 1 ||
    typeof carrier.provider !== "string" ||
    typeof carrier.model !== "string" ||
    typeof carrier.text !== "string" ||
    (carrier.signature !== undefined && typeof carrier.signature !== "string") ||
    (carrier.tool_signatures !== undefined && !isStringRecord(carrier.tool_signatures))
  ) {
    return null;
  }
  return carrier as unknown as ReasoningCarrier;
}
