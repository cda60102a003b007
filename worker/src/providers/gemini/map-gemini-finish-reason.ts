/**
 * Gemini `Candidate.finishReason` (and a prompt blocked before any candidate) -> OpenAI `finish_reason`.
 * https://ai.google.dev/api/generate-content#FinishReason
 *
 * | Gemini | OpenAI |
 * |---|---|
 * | `STOP` | `tool_calls` when the answer called functions, else `stop` |
 * | `MAX_TOKENS` | `length` |
 * | `SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY`, `IMAGE_PROHIBITED_CONTENT`,
 * `IMAGE_RECITATION`, a blocked prompt | `content_filter` |
 * | anything else (`OTHER`, `LANGUAGE`, `MALFORMED_FUNCTION_CALL`, ...) | `tool_calls` when the answer called
 * functions, else `stop` |
 */
export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

const CONTENT_FILTER_REASONS = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/** Maps a finish reason per the table above; `hasToolCalls` says whether the answer contained function calls. */
export function mapGeminiFinishReason(finishReason: unknown, hasToolCalls: boolean): OpenAIFinishReason {
  if (finishReason === "MAX_TOKENS") return "length";
  if (typeof finishReason === "string" && CONTENT_FILTER_REASONS.has(finishReason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}
