/**
 * The embedding side of an upstream: how `POST /v1/embeddings` is asked of it and how its answer is read. Pure
 * translators, like the chat adapters (types.ts): no Hono context, env or `waitUntil`. Errors are mapped by the
 * provider's chat adapter (`mapError`), which is the same for both.
 */
import type { EmbeddingRequest } from "../lib/embedding-request.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { UpstreamRequest, UpstreamTarget } from "./types.ts";

export interface EmbeddingContext {
  request: EmbeddingRequest;
  /** The provider's own id of the model (the route's `upstreamModel`). */
  upstreamModel: string;
  target: UpstreamTarget;
}

export interface EmbeddingResult {
  /** One vector per input, in the request's order. */
  vectors: number[][];
  /** The upstream's token count as normalised usage (all input); null when it reported none. */
  usage: NormalizedUsage | null;
}

export interface EmbeddingAdapter {
  buildEmbeddingRequest(context: EmbeddingContext): UpstreamRequest;
  /** Reads the upstream's answer; throws `upstream_error` when it is unreadable or has the wrong number of vectors. */
  parseEmbeddingResponse(json: unknown, context: EmbeddingContext): EmbeddingResult;
}

/** Normalised usage of an embedding request: every token is uncached input. */
export const embeddingUsage = (promptTokens: number): NormalizedUsage => ({
  inputUncached: promptTokens,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  source: "provider",
});

/** A vector as numbers only (JSON can carry anything); null when it is not one. */
export function readVector(value: unknown): number[] | null {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "number")
    ? (value as number[])
    : null;
}
