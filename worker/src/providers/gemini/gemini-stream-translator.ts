/**
 * Gemini `streamGenerateContent?alt=sse` -> OpenAI ChatCompletionChunks. Each SSE `data:` is a complete
 * GenerateContentResponse holding the next parts; `usageMetadata` may ride on every chunk (partial ones first), so
 * the last one is kept. Gemini sends no [DONE]: the chunk with `finishReason` is the end, so the translator emits
 * the finish chunk, `usage-final` and `stream-end` right after it.
 * https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 * https://ai.google.dev/gemini-api/docs/text-generation#streaming-responses
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { StreamPart, StreamTranslator } from "../types.ts";
import { readResponseId } from "./convert-from-gemini-response.ts";
import { convertFromGeminiUsage, convertGeminiUsageToOpenAI, readUsageMetadata } from "./convert-from-gemini-usage.ts";
import { isJsonObject, type JsonObject } from "./gemini-api-types.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { readGeminiCandidate, toOpenAIToolCall, toolCallId, type CandidatePiece } from "./read-gemini-candidate.ts";

/** An `error` object inside the stream -> a GatewayError. Only Gemini's status enum word is kept, never its message. */
function midStreamError(error: unknown): GatewayError {
  const details = isJsonObject(error) ? error : {};
  const status =
    typeof details.status === "string" && /^[A-Z_]{1,40}$/.test(details.status) ? details.status : undefined;
  if (details.code === 429 || status === "RESOURCE_EXHAUSTED") {
    return new GatewayError(
      "upstream_rate_limited",
      "The upstream provider (gemini) is rate limiting requests; retry later.",
    );
  }
  if (details.code === 503 || status === "UNAVAILABLE") {
    return new GatewayError("upstream_unavailable", "The upstream provider (gemini) is overloaded or unavailable.");
  }
  return new GatewayError(
    "upstream_error",
    `The upstream provider (gemini) reported an error mid-stream${status ? ` (${status})` : ""}.`,
  );
}

function parseEvent(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new GatewayError("upstream_error", "The upstream provider (gemini) sent a malformed stream event.");
  }
}

/**
 * A translator for one response. The first emitted chunk carries `delta.role: "assistant"`; text parts become
 * `content` deltas, thought parts `reasoning_content` deltas, and each functionCall part one complete `tool_calls`
 * delta (indexes from 0, ids from `toolCallId`, the full arguments). Events after the end are ignored.
 */
export function createGeminiStreamTranslator(modelId: string): StreamTranslator {
  const created = Math.floor(Date.now() / 1000);
  let id: string | undefined;
  let responseId: string | undefined;
  let roleSent = false;
  let toolCallCount = 0;
  let lastUsage: JsonObject | null = null;
  let ended = false;

  const chunk = (delta: JsonObject, finishReason: string | null = null): ChatCompletionChunk => {
    const withRole = roleSent ? delta : { role: "assistant", ...delta };
    roleSent = true;
    return {
      id: id ?? "",
      object: "chat.completion.chunk",
      created,
      model: modelId,
      choices: [{ index: 0, delta: withRole, finish_reason: finishReason, logprobs: null }],
    };
  };

  const deltaOf = (piece: CandidatePiece): JsonObject => {
    if (piece.type === "text") return { content: piece.text };
    if (piece.type === "reasoning") return { reasoning_content: piece.text };
    const index = toolCallCount;
    toolCallCount += 1;
    return { tool_calls: [{ index, ...toOpenAIToolCall(piece, toolCallId(responseId, index)) }] };
  };

  return {
    translate(event): StreamPart[] {
      if (ended || event.data.trim() === "") return [];
      const parsed = parseEvent(event.data);
      if (!isJsonObject(parsed)) return [];
      if (parsed.error !== undefined) throw midStreamError(parsed.error);
      responseId ??= readResponseId(parsed);
      id ??= responseId ?? `chatcmpl-gemini-${crypto.randomUUID()}`;
      lastUsage = readUsageMetadata(parsed) ?? lastUsage;

      const { pieces, finishReason, promptBlocked } = readGeminiCandidate(parsed);
      const parts: StreamPart[] = pieces.map((piece) => ({ type: "chunk-emit", chunk: chunk(deltaOf(piece)) }));
      if (finishReason === undefined && !promptBlocked) {
        // A partial usageMetadata (prompt counts) rides on intermediate chunks: exact input for an estimate.
        if (lastUsage) parts.push({ type: "usage-partial", usage: convertFromGeminiUsage(lastUsage) });
        return parts;
      }

      ended = true;
      const reason = promptBlocked ? "content_filter" : mapGeminiFinishReason(finishReason, toolCallCount > 0);
      parts.push({ type: "chunk-emit", chunk: chunk(roleSent ? {} : { content: "" }, reason) });
      if (lastUsage) {
        const usageChunk: ChatCompletionChunk = {
          id,
          object: "chat.completion.chunk",
          created,
          model: modelId,
          choices: [],
          usage: convertGeminiUsageToOpenAI(lastUsage),
        };
        parts.push({ type: "usage-final", usage: convertFromGeminiUsage(lastUsage), chunk: usageChunk });
      }
      parts.push({ type: "stream-end" });
      return parts;
    },
  };
}
