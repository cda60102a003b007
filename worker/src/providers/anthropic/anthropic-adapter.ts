/**
 * The native Anthropic Messages adapter: OpenAI Chat Completions in, `POST /v1/messages` upstream, OpenAI
 * ChatCompletion (or chunks) out.
 * https://docs.anthropic.com/en/api/messages
 * https://docs.anthropic.com/en/api/versioning (the `anthropic-version` header)
 */
import { mapUpstreamError, readUpstreamMessage } from "../map-upstream-error.ts";
import type { ProviderAdapter } from "../types.ts";
import { createAnthropicStreamTranslator } from "./anthropic-stream-translator.ts";
import { convertFromAnthropicResponse } from "./convert-from-anthropic-response.ts";
import { convertToAnthropicRequest, type ThinkingStyle } from "./convert-to-anthropic-request.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

export interface AnthropicAdapterOptions {
  /**
   * How `reasoning_effort` becomes thinking for an upstream model. Default `budget` (`budget_tokens`); models that
   * accept only adaptive thinking need `adaptive`.
   */
  thinkingStyle?: (upstreamModel: string) => ThinkingStyle;
}

/** The adapter with id `anthropic`. Pure translator: no IO, no env, no logging of content. */
export function createAnthropicAdapter(options: AnthropicAdapterOptions = {}): ProviderAdapter {
  const thinkingStyle = options.thinkingStyle ?? (() => "budget");
  return {
    id: "anthropic",
    defaultBaseUrl: "https://api.anthropic.com",

    buildChatRequest({ request, upstreamModel, target }) {
      const body = convertToAnthropicRequest(request, {
        upstreamModel,
        thinkingStyle: thinkingStyle(upstreamModel),
      });
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/v1/messages`,
        headers: {
          "x-api-key": target.apiKey,
          "anthropic-version": ANTHROPIC_VERSION,
          "content-type": "application/json",
          accept: request.stream ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(body),
      };
    },

    parseChatResponse(json, { modelId }) {
      return convertFromAnthropicResponse(json, modelId);
    },

    createStreamTranslator({ modelId }) {
      return createAnthropicStreamTranslator(modelId);
    },

    mapError(status, headers, body, { target }) {
      return mapUpstreamError({
        provider: "anthropic",
        status,
        headers,
        upstreamMessage: readUpstreamMessage(body),
        apiKey: target.apiKey,
      });
    },
  };
}
