/**
 * An API surface is what a client speaks (OpenAI Chat Completions, Anthropic Messages). Internally every request is
 * an OpenAI-shaped ChatCompletionRequest and every answer an OpenAI-shaped ChatCompletion or a sequence of
 * ChatCompletionChunks (reasoning text in `delta.reasoning_content`); a surface converts at the edges.
 */
import type { GatewayError } from "../errors.ts";
import type { RequestCost } from "../lib/cost.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../lib/openai-types.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { ForwardedChunk } from "../providers/types.ts";

/** Turns the internal stream into the surface's SSE bytes. One encoder per response; stateful. */
export interface StreamEncoder {
  /** A content chunk (text, reasoning, tool-call deltas, finish_reason). */
  chunk(chunk: ChatCompletionChunk): Uint8Array[];
  /**
   * Optional, for a surface whose chunks are the internal shape: a content chunk given as its JSON bytes (a
   * translator's `forwardData`), encoded as `chunk` would encode it, without decoding or parsing it. The result's
   * parts are sent joined, in order; they may be views of the chunk's bytes.
   */
  chunkForwarded?(chunk: ForwardedChunk): Uint8Array[];
  /**
   * The upstream's usage report, with the OpenAI usage chunk the upstream sent or the adapter synthesised, and what
   * the request is billed (the final event carries it: docs/api.md, "Cost").
   */
  usage(usage: NormalizedUsage, chunk: ChatCompletionChunk, cost: RequestCost): Uint8Array[];
  /** The stream completed normally. */
  end(): Uint8Array[];
  /** The stream failed after the first byte: the surface's in-stream error event. The stream then closes. */
  error(error: GatewayError): Uint8Array[];
}

export interface Surface {
  readonly name: "openai" | "anthropic" | "responses";
  /** The non-streamed answer in the surface's shape, carrying what the request is billed (`cost`). */
  renderJson(body: ChatCompletion, usage: NormalizedUsage, cost: RequestCost): unknown;
  createStreamEncoder(options: { includeUsage: boolean; modelId: string; requestId: string }): StreamEncoder;
}
