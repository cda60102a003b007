/**
 * The Anthropic Messages surface (`POST /v1/messages`): internal OpenAI-shaped answers rendered as Anthropic
 * `Message` JSON or Anthropic SSE. https://docs.anthropic.com/en/api/messages,
 * https://docs.anthropic.com/en/api/messages-streaming
 *
 * The request side is `anthropicRequestSchema` + `convertFromAnthropicRequest`; errors use `renderAnthropicError`.
 */
import type { Surface } from "../types.ts";
import { createAnthropicStreamEncoder } from "./anthropic-stream-encoder.ts";
import { renderAnthropicMessage } from "./render-anthropic-message.ts";

export const anthropicSurface: Surface = {
  name: "anthropic",
  // Adapters set `body.model` to the catalog id the client asked for.
  renderJson: (body, usage, cost) => renderAnthropicMessage(body, usage, body.model, cost),
  createStreamEncoder: (options) => createAnthropicStreamEncoder(options),
};
