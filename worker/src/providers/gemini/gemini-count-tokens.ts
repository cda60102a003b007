/**
 * Gemini's exact token count for a chat request: `POST {base}/v1beta/models/{model}:countTokens` with the
 * `generateContentRequest` the adapter would send (contents, system instruction, tools), so system and tools count
 * as they will be billed. The answer's `totalTokens` is the prompt's size. https://ai.google.dev/api/tokens
 */
import type { UpstreamRequest } from "../types.ts";
import { isJsonObject } from "./gemini-api-types.ts";

/**
 * The countTokens request for a `generateContent` request built by the Gemini adapter (same base URL and key
 * header). `generationConfig` is left out: it changes no input token, and countTokens need not validate it.
 */
export function geminiCountTokensRequest(generate: UpstreamRequest, upstreamModel: string): UpstreamRequest {
  const parsed: unknown = JSON.parse(generate.body);
  const { generationConfig: _generationConfig, ...contentRequest } = isJsonObject(parsed) ? parsed : {};
  return {
    url: generate.url.replace(/:(generateContent|streamGenerateContent)(\?.*)?$/, ":countTokens"),
    headers: { ...generate.headers, accept: "application/json" },
    body: JSON.stringify({
      generateContentRequest: { model: `models/${upstreamModel}`, ...contentRequest },
    }),
  };
}

/** `totalTokens` of a countTokens answer, or null when the answer has none. */
export function readGeminiTokenCount(json: unknown): number | null {
  if (!isJsonObject(json)) return null;
  const total = json.totalTokens;
  return typeof total === "number" && Number.isInteger(total) && total >= 0 ? total : null;
}
