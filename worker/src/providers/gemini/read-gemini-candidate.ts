/**
 * Reads the first candidate of a GenerateContentResponse (a whole answer, or one streamed chunk of it) into ordered
 * pieces, shared by the non-streamed converter and the stream translator.
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 * https://ai.google.dev/gemini-api/docs/thinking#summaries
 */
import { isJsonObject, type JsonObject } from "./gemini-api-types.ts";

export type CandidatePiece =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "tool-call"; name: string; args: unknown; thoughtSignature: string | undefined };

export interface CandidateReading {
  pieces: CandidatePiece[];
  /** The candidate's `finishReason`, undefined while a stream is still running. */
  finishReason: string | undefined;
  /** True when the prompt itself was blocked (`promptFeedback.blockReason`, no candidate). */
  promptBlocked: boolean;
}

/**
 * Text parts -> text, `thought: true` parts -> reasoning, `functionCall` parts -> tool calls. Empty text (Gemini
 * sends it to carry a bare thought signature) and parts this gateway never asks for (inline images, executable
 * code) are skipped. Only candidate 0 is read: requests never ask for more.
 */
export function readGeminiCandidate(response: JsonObject): CandidateReading {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  const first: unknown = candidates[0];
  const candidate = isJsonObject(first) ? first : undefined;
  const feedback = isJsonObject(response.promptFeedback) ? response.promptFeedback : {};
  const promptBlocked = candidate === undefined && typeof feedback.blockReason === "string";
  const content = candidate && isJsonObject(candidate.content) ? candidate.content : {};
  const parts = Array.isArray(content.parts) ? content.parts : [];
  const pieces: CandidatePiece[] = [];
  for (const part of parts) {
    if (!isJsonObject(part)) continue;
    if (isJsonObject(part.functionCall) && typeof part.functionCall.name === "string") {
      const signature = typeof part.thoughtSignature === "string" ? part.thoughtSignature : undefined;
      pieces.push({
        type: "tool-call",
        name: part.functionCall.name,
        args: part.functionCall.args ?? {},
        thoughtSignature: signature,
      });
    } else if (typeof part.text === "string" && part.text.length > 0) {
      pieces.push({ type: part.thought === true ? "reasoning" : "text", text: part.text });
    }
  }
  const finishReason = candidate && typeof candidate.finishReason === "string" ? candidate.finishReason : undefined;
  return { pieces, finishReason, promptBlocked };
}

/** A tool call id, deterministic per answer: `call_<responseId>_<index>`, or `call_<index>` without a responseId. */
export function toolCallId(responseId: string | undefined, index: number): string {
  const scope = responseId ? `${responseId.replaceAll(/[^A-Za-z0-9_-]/g, "_")}_` : "";
  return `call_${scope}${index}`;
}

/**
 * An OpenAI tool call. A thought signature travels as `extra_content.google.thought_signature`, as Google's own
 * OpenAI compatibility layer sends it, so clients that send the assistant message back return it to Gemini.
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function toOpenAIToolCall(piece: Extract<CandidatePiece, { type: "tool-call" }>, id: string): JsonObject {
  return {
    id,
    type: "function",
    function: { name: piece.name, arguments: JSON.stringify(piece.args) },
    ...(piece.thoughtSignature ? { extra_content: { google: { thought_signature: piece.thoughtSignature } } } : {}),
  };
}
