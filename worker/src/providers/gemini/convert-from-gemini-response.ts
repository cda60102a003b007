/**
 * A non-streamed Gemini GenerateContentResponse -> an OpenAI ChatCompletion and the normalised usage.
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { convertFromGeminiUsage, convertGeminiUsageToOpenAI, readUsageMetadata } from "./convert-from-gemini-usage.ts";
import { isJsonObject, type JsonObject } from "./gemini-api-types.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { readGeminiCandidate, toOpenAIToolCall, toolCallId } from "./read-gemini-candidate.ts";

/** The response's `responseId`, when it has a usable one. */
export function readResponseId(response: JsonObject): string | undefined {
  return typeof response.responseId === "string" && response.responseId.length > 0 ? response.responseId : undefined;
}

/**
 * Candidate 0 -> one choice: text parts -> `content` (null when the answer is only tool calls), thought parts ->
 * `reasoning_content`, function calls -> `tool_calls` with ids from `toolCallId`. A prompt blocked before any
 * candidate gives empty content with `finish_reason: "content_filter"`. `id` is the `responseId` when present.
 */
export function convertFromGeminiResponse(
  json: unknown,
  modelId: string,
): { body: ChatCompletion; usage: NormalizedUsage | null } {
  if (!isJsonObject(json))
    throw new GatewayError("upstream_error", "The upstream provider (gemini) sent an unreadable response.");
  const responseId = readResponseId(json);
  const { pieces, finishReason, promptBlocked } = readGeminiCandidate(json);
  let content = "";
  let reasoning = "";
  const toolCalls: JsonObject[] = [];
  for (const piece of pieces) {
    if (piece.type === "text") content += piece.text;
    else if (piece.type === "reasoning") reasoning += piece.text;
    else toolCalls.push(toOpenAIToolCall(piece, toolCallId(responseId, toolCalls.length)));
  }
  const message: JsonObject = {
    role: "assistant",
    content: content.length === 0 && toolCalls.length > 0 ? null : content,
    ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    refusal: null,
  };
  const usageMetadata = readUsageMetadata(json);
  const body: ChatCompletion = {
    id: responseId ?? `chatcmpl-gemini-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: modelId,
    choices: [
      {
        index: 0,
        message,
        finish_reason: promptBlocked ? "content_filter" : mapGeminiFinishReason(finishReason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
    ...(usageMetadata ? { usage: convertGeminiUsageToOpenAI(usageMetadata) } : {}),
  };
  return { body, usage: usageMetadata ? convertFromGeminiUsage(usageMetadata) : null };
}
