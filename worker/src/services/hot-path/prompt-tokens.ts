/**
 * A generous estimate of a request's input tokens, for the credit reservation (never for billing): text by script,
 * images by a fixed allowance, everything else in the request (tool schemas, names, arguments) as text.
 * - ASCII: 1 token per 3 characters (English averages about 4; code and JSON come closer to 3);
 * - every other character: 2 tokens (CJK is about 1 to 1.5 per character in current tokenizers, emoji and rare
 *   scripts more): the old 4-characters-per-token rule undercounted CJK by 4 to 6 times;
 * - an image part: IMAGE_TOKEN_ALLOWANCE, whatever its encoded size (a data URL's base64 is not text the model
 *   reads; counted as text it would reserve hundreds of thousands of tokens for one photo).
 */
export const IMAGE_TOKEN_ALLOWANCE = 2_000;
/** Beyond this depth the walk stops counting (bodies are depth-bounded before they get here). */
const MAX_DEPTH = 64;

export function estimatePromptTokens(...parts: unknown[]): number {
  let ascii = 0;
  let other = 0;
  let images = 0;
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === "string") {
      for (let index = 0; index < value.length; index += 1) {
        const code = value.charCodeAt(index);
        if (code < 0x80) ascii += 1;
        else if (code >= 0xdc00 && code <= 0xdfff)
          continue; // the second half of a surrogate pair
        else other += 1;
      }
      return;
    }
    if (typeof value === "number" || typeof value === "boolean") {
      ascii += String(value).length;
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (isImagePart(record)) {
        images += 1;
        return;
      }
      for (const [field, item] of Object.entries(record)) {
        ascii += field.length;
        visit(item, depth + 1);
      }
    }
  };
  for (const part of parts) visit(part, 0);
  return Math.ceil(ascii / 3) + other * 2 + images * IMAGE_TOKEN_ALLOWANCE;
}

/** OpenAI's `image_url` part, Anthropic's `image` block, Gemini-style `inline_data`, an `input_image`. */
function isImagePart(part: Record<string, unknown>): boolean {
  return (
    part.type === "image_url" ||
    part.type === "image" ||
    part.type === "input_image" ||
    "inline_data" in part ||
    "inlineData" in part
  );
}
