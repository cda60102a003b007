/**
 * What both stream bodies (translated and native pass-through) share: the outcome they report, the one loop over
 * a translator's parts, ending exactly once, and what happens when the client goes away (usage-after-cancel.ts).
 */
import { GatewayError } from "../../errors.ts";
import { generatedCharacters, reasoningCharacters } from "../../lib/estimate-usage.ts";
import { finishReasonOf, type FinishReason } from "../../lib/finish-reason.ts";
import type { RequestCost } from "../../lib/cost.ts";
import { joinBytes } from "../../lib/join-bytes.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { ForwardedChunk, StreamPart, StreamTranslator } from "../../providers/types.ts";
import type { StreamEncoder } from "../../surfaces/types.ts";
import { keepReadingForUsage, shouldWaitForUsage } from "./usage-after-cancel.ts";

const utf8 = new TextDecoder();

export interface StreamTap {
  chunk(chunk: ChatCompletionChunk): void;
  /**
   * A forwarded chunk as its JSON bytes, in parts (the same-dialect fast path: `ForwardedChunk.json`, views of the
   * upstream's bytes that nothing modifies); without it the tap gets the parsed chunk.
   */
  chunkBytes?(json: Uint8Array[]): void;
  usage(usage: NormalizedUsage, chunk: ChatCompletionChunk): void;
}

export interface StreamOutcome {
  status: "ok" | "error" | "cancelled";
  usage: NormalizedUsage | null;
  /** What the upstream reported before its end (exact input), to complete an estimate. */
  knownUsage: NormalizedUsage | null;
  /** Characters of generated text sent (reasoning included), for estimating usage when the upstream reported none. */
  generatedCharacters: number;
  /** Of those, characters of reasoning text. */
  reasoningCharacters: number;
  firstTokenAt: number | null;
  /** The answer's finish reason (the last one a chunk carried), for the usage row. */
  finishReason: FinishReason | null;
  /** Why a stream failed, for the usage row's HTTP status. */
  error?: GatewayError;
}

/** What both stream bodies take. */
export interface StreamBodyOptions {
  upstreamBody: ReadableStream<Uint8Array>;
  translator: StreamTranslator;
  /** Renders the surface's events; the pass-through uses it only for the error event of a cut-off upstream. */
  encoder: StreamEncoder;
  abortUpstream: () => void;
  /** Called exactly once: when the stream ends, fails, or the client goes away. */
  onEnd: (outcome: StreamOutcome) => void;
  /** Sees every translated chunk and the usage, e.g. to record the answer for the prompt cache. */
  tap?: StreamTap;
  /** What the request is billed for a usage report: the final event carries it. */
  costOf: (usage: NormalizedUsage) => RequestCost;
  /**
   * The usage billed for a stream that ended normally without a usage report (the estimate `onEnd` bills), so that
   * its final event still carries the usage and cost. Without it, such a stream's final event has none.
   */
  estimateUsage?: (outcome: StreamOutcome) => NormalizedUsage;
  /** Keeps the request alive for work after the client left (the wait for the usage report): `waitUntil`. */
  keepAlive?: (work: Promise<unknown>) => void;
  /** The request's signal: aborted when the client disconnects (the translated body learns it from there). */
  clientSignal?: AbortSignal;
}

/** Where a translated chunk and the usage go besides the outcome (the translated body renders them). */
export interface PartRenderer {
  /** Each returns true when it wrote something to the client. */
  chunk(chunk: ChatCompletionChunk): boolean;
  usage(usage: NormalizedUsage, chunk: ChatCompletionChunk): boolean;
}

export interface StreamProgress {
  readonly outcome: StreamOutcome;
  /** True once the client has gone away. */
  readonly cancelled: boolean;
  /** True once `end` ran. */
  readonly ended: boolean;
  /**
   * The one part loop: counts generated text, records usage, feeds the tap, and hands chunks and usage to `render`.
   * Stops at the upstream's end marker (`endMarker`); `wrote` tells whether anything went to the client.
   */
  apply(parts: StreamPart[], render?: PartRenderer): { endMarker: boolean; wrote: boolean };
  /**
   * A plain content chunk forwarded as text (`StreamTranslator.forwardData`): counted and tapped like a `chunk-emit`
   * part. It carries no finish reason and no usage by construction.
   */
  applyForwarded(chunk: ForwardedChunk): void;
  /** Ends the stream once; later calls do nothing. A stream whose client left ends `cancelled` whatever `status`. */
  end(status: StreamOutcome["status"], error?: GatewayError): void;
  /**
   * The client went away. Unless the answer was complete and only the usage report is missing, `stop` runs at once
   * (it must abort the upstream); otherwise `step` (one upstream read; resolves to the bytes read) keeps reading,
   * after the read `inFlight`, within the wait's bounds, and then `stop` runs. The stream then ends `cancelled`, with
   * the error `stop` returns, if any.
   */
  clientGone(reading: {
    inFlight: Promise<unknown>;
    step: () => Promise<number>;
    stop: () => GatewayError | undefined | void;
  }): void;
}

/** A forwarded chunk parsed (for what needs the object: a tap without `chunkBytes`, an estimate's ids). */
export function parseForwarded(chunk: ForwardedChunk): ChatCompletionChunk {
  return JSON.parse(utf8.decode(joinBytes(chunk.json))) as ChatCompletionChunk;
}

export function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");
}

export function createStreamProgress(options: Pick<StreamBodyOptions, "onEnd" | "tap" | "keepAlive">): StreamProgress {
  const outcome: StreamOutcome = {
    status: "ok",
    usage: null,
    knownUsage: null,
    generatedCharacters: 0,
    reasoningCharacters: 0,
    firstTokenAt: null,
    finishReason: null,
  };
  let cancelled = false;
  let ended = false;
  let contentEnded = false;
  let endMarker = false;

  const end = (status: StreamOutcome["status"], error?: GatewayError) => {
    if (ended) return;
    ended = true;
    outcome.status = cancelled ? "cancelled" : status;
    if (error) outcome.error = error;
    options.onEnd(outcome);
  };

  return {
    outcome,
    get cancelled() {
      return cancelled;
    },
    get ended() {
      return ended;
    },
    apply(parts, render) {
      let wrote = false;
      for (const part of parts) {
        if (part.type === "chunk-emit") {
          outcome.generatedCharacters += generatedCharacters(part.chunk.choices);
          outcome.reasoningCharacters += reasoningCharacters(part.chunk.choices);
          outcome.firstTokenAt ??= Date.now();
          if (
            part.chunk.choices.some((choice) => choice.finish_reason !== null && choice.finish_reason !== undefined)
          ) {
            contentEnded = true;
            outcome.finishReason = finishReasonOf(part.chunk.choices) ?? outcome.finishReason;
          }
          options.tap?.chunk(part.chunk);
          wrote = (render?.chunk(part.chunk) ?? false) || wrote;
        } else if (part.type === "usage-final") {
          outcome.usage = part.usage;
          options.tap?.usage(part.usage, part.chunk);
          wrote = (render?.usage(part.usage, part.chunk) ?? false) || wrote;
        } else if (part.type === "usage-partial") {
          outcome.knownUsage = part.usage;
        } else {
          endMarker = true;
          return { endMarker, wrote };
        }
      }
      return { endMarker: false, wrote };
    },
    applyForwarded(chunk) {
      outcome.generatedCharacters += chunk.generatedCharacters;
      outcome.reasoningCharacters += chunk.reasoningCharacters;
      outcome.firstTokenAt ??= Date.now();
      const { tap } = options;
      if (!tap) return;
      if (tap.chunkBytes) tap.chunkBytes(chunk.json);
      else tap.chunk(parseForwarded(chunk));
    },
    end,
    clientGone({ inFlight, step, stop }) {
      cancelled = true;
      // `stop` may name why the stream had already failed (the pass-through's tap), for the usage row.
      const stopOnce = () => end("cancelled", stop() ?? undefined);
      if (!shouldWaitForUsage({ contentEnded, usageKnown: outcome.usage !== null, ended })) return stopOnce();
      const waiting = keepReadingForUsage(inFlight, step, () => ended || endMarker || outcome.usage !== null).finally(
        stopOnce,
      );
      options.keepAlive?.(waiting);
    },
  };
}
