/**
 * OpenAI Responses API SSE events -> the pipeline's stream parts, for an answer forwarded natively (the client gets
 * the events as OpenAI sent them; these parts only feed usage, estimates and the first-token time).
 * https://platform.openai.com/docs/api-reference/responses-streaming
 *
 * | Responses event | stream parts |
 * |---|---|
 * | `response.output_text.delta` | a chunk with `delta.content` |
 * | `response.reasoning_summary_text.delta`, `response.reasoning_text.delta` | a chunk with `delta.reasoning_content` |
 * | `response.function_call_arguments.delta` | a `tool_calls` arguments delta at the item's output index |
 * | `response.completed` / `response.incomplete` | a finish chunk (`stop`, `tool_calls`, `length`, `content_filter`), |
 * | | `usage-final` from `response.usage` (when present), `stream-end` |
 * | `response.failed`, `error` | throws GatewayError: `upstream_rate_limited` for `rate_limit_exceeded`, |
 * | | `upstream_account_error` for `insufficient_quota`, else `upstream_error` (never OpenAI's text) |
 * | anything else | nothing |
 */
import type { EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { StreamPart, StreamTranslator } from "../types.ts";
import { toOpenAIUsage } from "../convert-to-openai-usage.ts";
import { convertResponsesUsage } from "./convert-from-responses-usage.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The typed error for OpenAI's own failure of a response (`response.error` / an `error` event), never its text. */
export function responsesFailure(error: unknown): GatewayError {
  const code = isObject(error) && typeof error.code === "string" ? error.code : "";
  if (code === "rate_limit_exceeded") {
    return new GatewayError("upstream_rate_limited", "The upstream provider (openai) is rate limiting; retry later.");
  }
  if (code === "insufficient_quota") {
    return new GatewayError(
      "upstream_account_error",
      "The upstream provider (openai) cannot serve this model for omnizen right now; retry later or use another model.",
    );
  }
  return new GatewayError("upstream_error", "The upstream provider (openai) failed the response.");
}

/** `finish_reason` of a finished response: OpenAI chat terms. */
export function responsesFinishReason(response: Json): string {
  if (response.status === "incomplete") {
    const details = isObject(response.incomplete_details) ? response.incomplete_details : {};
    return details.reason === "content_filter" ? "content_filter" : "length";
  }
  const output = Array.isArray(response.output) ? response.output : [];
  return output.some((item) => isObject(item) && item.type === "function_call") ? "tool_calls" : "stop";
}

export interface ResponsesStreamTranslator extends StreamTranslator {
  /** The payload of the event last translated (parsed once; the pass-through's cost rewrite reuses it). */
  readonly lastPayload: Json | null;
}

export function createResponsesStreamTranslator(modelId: string): ResponsesStreamTranslator {
  let id = "";
  let created = Math.floor(Date.now() / 1000);
  let lastPayload: Json | null = null;
  const chunk = (delta: Json, finishReason: string | null = null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: modelId,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const emit = (delta: Json): StreamPart[] => [{ type: "chunk-emit", chunk: chunk(delta) }];
  const text = (value: unknown): value is string => typeof value === "string" && value.length > 0;

  function finish(response: Json): StreamPart[] {
    const parts: StreamPart[] = [{ type: "chunk-emit", chunk: chunk({}, responsesFinishReason(response)) }];
    if (isObject(response.usage)) {
      const usage = convertResponsesUsage(response.usage);
      const usageChunk: ChatCompletionChunk = { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) };
      parts.push({ type: "usage-final", usage, chunk: usageChunk });
    }
    parts.push({ type: "stream-end" });
    return parts;
  }

  return {
    get lastPayload() {
      return lastPayload;
    },
    translate(event: EventSourceMessage): StreamPart[] {
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        lastPayload = null;
        throw new GatewayError("upstream_error", "The upstream provider (openai) sent a malformed stream event.");
      }
      lastPayload = isObject(parsed) ? parsed : null;
      if (!lastPayload) return [];
      const payload = lastPayload;
      const type = typeof payload.type === "string" ? payload.type : (event.event ?? "");
      const response = isObject(payload.response) ? payload.response : {};
      switch (type) {
        case "response.created":
          if (typeof response.id === "string") id = response.id;
          if (typeof response.created_at === "number") created = response.created_at;
          return [];
        case "response.output_text.delta":
          return text(payload.delta) ? emit({ content: payload.delta }) : [];
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          return text(payload.delta) ? emit({ reasoning_content: payload.delta }) : [];
        case "response.function_call_arguments.delta": {
          const index = typeof payload.output_index === "number" ? payload.output_index : 0;
          return text(payload.delta) ? emit({ tool_calls: [{ index, function: { arguments: payload.delta } }] }) : [];
        }
        case "response.completed":
        case "response.incomplete":
          return finish(response);
        case "response.failed":
          throw responsesFailure(response.error);
        case "error":
          throw responsesFailure(payload);
        default:
          return [];
      }
    },
  };
}
