/**
 * The one adapter interface every upstream implements. Adapters are pure translators: they never touch the Hono
 * context, env, `waitUntil` or raw SSE text. The chat pipeline (chat/) owns the stream:
 * SSE decode -> adapter translator -> usage tap -> SSE encode.
 */
import type { EventSourceMessage } from "eventsource-parser/stream";
import type { GatewayError } from "../errors.ts";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from "../lib/openai-types.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { ProviderId } from "./provider-ids.ts";

export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
}

export interface ChatContext {
  request: ChatCompletionRequest;
  /** The model id the client sent (a catalog id, or one of its key's aliases); responses carry it as `model`. */
  modelId: string;
  /** The provider's own id of the model (the route's `upstreamModel`). */
  upstreamModel: string;
  target: UpstreamTarget;
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What a translator yields for one upstream SSE event. Noun-verb names, as internal stream events. */
export type StreamPart =
  | { type: "chunk-emit"; chunk: ChatCompletionChunk }
  /** The usage report; `chunk` is the OpenAI usage chunk, sent only if the client asked for `include_usage`. */
  | { type: "usage-final"; usage: NormalizedUsage; chunk: ChatCompletionChunk }
  /** Usage the upstream reported before its end (Anthropic `message_start`, Gemini's partial `usageMetadata`): the
   * input side is exact. Used only to estimate a stream that ends without `usage-final`. */
  | { type: "usage-partial"; usage: NormalizedUsage }
  | { type: "stream-end" };

/** A content chunk already in the internal shape, as its JSON bytes (the same-dialect fast path). */
export interface ForwardedChunk {
  /**
   * The `ChatCompletionChunk` as compact UTF-8 JSON, in parts to be joined in order (views of the upstream's bytes
   * around the new `model` field); `model` already the answer's. Not to be modified.
   */
  json: Uint8Array[];
  /** The JSON ends with a top-level `,"usage":null}` (OpenAI sends it with `include_usage`); no other `usage` key. */
  nullUsageTail: boolean;
  generatedCharacters: number;
  reasoningCharacters: number;
}

export interface StreamTranslator {
  translate(event: EventSourceMessage): StreamPart[];
  /**
   * Optional, for a dialect that is the internal shape (OpenAI chat): an event's data (`bytes[start, end)`, one line)
   * that is a plain content chunk, returned without decoding it or a JSON round trip; null for any other event, which
   * then goes through `translate`. The result may hold views of `bytes`.
   */
  forwardData?(bytes: Uint8Array, start: number, end: number): ForwardedChunk | null;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly defaultBaseUrl: string;
  buildChatRequest(context: ChatContext): UpstreamRequest;
  /** Translates a non-streamed upstream answer; usage null when the upstream gave none. */
  parseChatResponse(json: unknown, context: ChatContext): { body: ChatCompletion; usage: NormalizedUsage | null };
  createStreamTranslator(context: ChatContext): StreamTranslator;
  /**
   * Maps an upstream error response to a GatewayError; never copies the raw body or any key into it. Reads only the
   * target (for redaction), so chat and embeddings share it.
   */
  mapError(status: number, headers: Headers, body: string, context: Pick<ChatContext, "target">): GatewayError;
}
