/**
 * The native Google Gemini adapter: `POST {base}/v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for streams, authenticated with the `x-goog-api-key` header (never `?key=`, so the
 * key cannot leak through a logged or echoed URL).
 * https://ai.google.dev/api/generate-content
 * https://ai.google.dev/gemini-api/docs/api-key
 */
import { mapUpstreamError, readUpstreamMessage } from "../map-upstream-error.ts";
import type { ProviderAdapter } from "../types.ts";
import { convertFromGeminiResponse } from "./convert-from-gemini-response.ts";
import { convertToGeminiRequest } from "./convert-to-gemini-request.ts";
import { isJsonObject, type GeminiThinkingStyle } from "./gemini-api-types.ts";
import { createGeminiStreamTranslator } from "./gemini-stream-translator.ts";

export const GEMINI_DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

/**
 * Gemini answers an invalid API key with 400 INVALID_ARGUMENT (reason `API_KEY_INVALID`), not 401. That is our
 * credentials' fault, not the caller's request: it is mapped like a 401.
 */
function isInvalidApiKey(status: number, body: string): boolean {
  if (status !== 400) return false;
  try {
    const parsed: unknown = JSON.parse(body);
    const error = isJsonObject(parsed) && isJsonObject(parsed.error) ? parsed.error : {};
    const details = Array.isArray(error.details) ? error.details : [];
    return details.some((detail) => isJsonObject(detail) && detail.reason === "API_KEY_INVALID");
  } catch {
    return false;
  }
}

export interface GeminiAdapterOptions {
  /**
   * Whether a model takes `thinkingBudget` tokens (Gemini 2.5, and accepted by Gemini 3) or Gemini 3's native
   * `thinkingLevel`. Default: budget.
   */
  thinkingStyle?: (upstreamModel: string) => GeminiThinkingStyle;
}

/** Creates the Gemini adapter (provider id `gemini`). */
export function createGeminiAdapter(options: GeminiAdapterOptions = {}): ProviderAdapter {
  const thinkingStyle = options.thinkingStyle ?? (() => "budget");
  return {
    id: "gemini",
    defaultBaseUrl: GEMINI_DEFAULT_BASE_URL,

    buildChatRequest({ request, upstreamModel, target }) {
      const method = request.stream ? "streamGenerateContent?alt=sse" : "generateContent";
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/v1beta/models/${encodeURIComponent(upstreamModel)}:${method}`,
        headers: {
          "x-goog-api-key": target.apiKey,
          "content-type": "application/json",
          accept: request.stream ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(convertToGeminiRequest(request, { thinkingStyle: thinkingStyle(upstreamModel) })),
      };
    },

    parseChatResponse: (json, { modelId }) => convertFromGeminiResponse(json, modelId),

    createStreamTranslator: ({ modelId }) => createGeminiStreamTranslator(modelId),

    mapError(status, headers, body, { target }) {
      return mapUpstreamError({
        provider: "gemini",
        status: isInvalidApiKey(status, body) ? 401 : status,
        headers,
        upstreamMessage: readUpstreamMessage(body),
        apiKey: target.apiKey,
      });
    },
  };
}
