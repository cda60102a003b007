/**
 * Token counting and deterministic reply text for the provider simulator.
 *
 * The simulator never echoes the prompt: every generated string is derived only from the model name and the
 * directives. All generated words are single tokens under {@link countTokens}, so reply sizes are predictable.
 */

/**
 * The token rule: a token is either a run of letters, digits and combining marks (`[\p{L}\p{N}\p{M}]+`), or any
 * single other non-whitespace code point (punctuation, symbols, emoji: `[^\s\p{L}\p{N}\p{M}]`). Whitespace is
 * never a token. Examples: `"Hello, world!"` → 4, `"café 🙂."` → 3, `'{"city":"Dhaka"}'` → 9.
 */
export const TOKEN_PATTERN = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

/**
 * Counts tokens with {@link TOKEN_PATTERN}. Used for prompts (all message text, system text, tool calls and
 * serialized tool definitions) and completions alike. Because whitespace separates tokens, the count of texts
 * joined by a newline is the sum of their counts.
 */
export function countTokens(text: string): number {
  return text.match(TOKEN_PATTERN)?.length ?? 0;
}

const REPLY_VOCABULARY = [
  "simulated",
  "café",
  "answer",
  "from",
  "the",
  "provider",
  "déjà",
  "vu",
  "with",
  "naïve",
  "résumé",
  "tokens",
  "flowing",
  "through",
  "gateway",
  "🙂",
  "smoothly",
  "über",
  "piñata",
  "jalapeño",
  "and",
  "ok",
] as const;

const REASONING_VOCABULARY = [
  "considering",
  "the",
  "request",
  "carefully",
  "weighing",
  "options",
  "naïve",
  "first",
  "then",
  "refined",
  "idea",
  "🤔",
  "before",
  "answering",
  "politely",
  "façade",
  "aside",
] as const;

/** Stable, small, non-cryptographic hash (FNV-1a, 32 bit) of a string. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const character of text) {
    hash ^= character.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function sentence(vocabulary: readonly string[], seed: string, wordCount: number): string {
  const offset = stableHash(seed) % vocabulary.length;
  const words: string[] = [];
  for (let index = 0; index < wordCount; index += 1) {
    words.push(vocabulary[(offset + index) % vocabulary.length] ?? "ok");
  }
  if (!words.some((word) => /[^\x00-\x7f]/.test(word))) words[words.length - 1] = "café";
  const first = words[0] ?? "ok";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(" ")}.`;
}

/**
 * The reply text for a model: `wordCount` words (each one token, at least one multi-byte, such as "é" or "🙂")
 * followed by a full stop, so `countTokens(replyText(model, n)) === n + 1`.
 */
export function replyText(model: string, wordCount: number): string {
  return sentence(REPLY_VOCABULARY, `reply:${model}`, wordCount);
}

/** The reasoning ("thinking") text for a model: like {@link replyText}, `wordCount` words and a full stop. */
export function reasoningText(model: string, wordCount: number): string {
  return sentence(REASONING_VOCABULARY, `reasoning:${model}`, wordCount);
}

/** The deterministic arguments every simulated tool call carries, as compact JSON (contains multi-byte text). */
export const TOOL_ARGUMENTS_JSON = JSON.stringify({
  city: "Dhaka",
  country: "Bangladesh",
  unit: "celsius",
  note: "café 🙂",
});

/**
 * Splits text into at most `count` pieces of nearly equal length, on code-point boundaries (never inside a
 * surrogate pair). Fewer pieces are returned when the text has fewer code points than `count`; never empty pieces.
 */
export function splitIntoChunks(text: string, count: number): string[] {
  const codePoints = Array.from(text);
  const pieceCount = Math.max(1, Math.min(count, codePoints.length));
  const pieces: string[] = [];
  for (let index = 0; index < pieceCount; index += 1) {
    const start = Math.floor((index * codePoints.length) / pieceCount);
    const end = Math.floor(((index + 1) * codePoints.length) / pieceCount);
    pieces.push(codePoints.slice(start, end).join(""));
  }
  return pieces.filter((piece) => piece.length > 0);
}
