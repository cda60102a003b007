/**
 * The streaming pipeline the route owns: upstream bytes -> SSE decode -> adapter translator -> usage tap -> surface
 * encoder. Pull-based, so the client's pace is the upstream's pace (no buffering of the whole answer). `onSettled` is
 * called exactly once: when the stream ends, fails, or the client goes away. When the client goes away, the upstream
 * is aborted at once, unless the answer was complete and only the usage report is missing (usage-after-cancel.ts).
 */
import { GatewayError } from "../../errors.ts";
import { generatedCharacters, reasoningCharacters } from "../../lib/estimate-usage.ts";
import { decodeServerSentEvents } from "../../lib/sse/decode.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage, StreamTranslator } from "../../providers/types.ts";
import type { StreamEncoder } from "../../surfaces/types.ts";
import { keepReadingForUsage, shouldWaitForUsage } from "../usage-after-cancel.ts";

export interface StreamTap {
  chunk(chunk: ChatCompletionChunk): void;
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
  /** Why a stream failed, for the usage row's HTTP status. */
  error?: GatewayError;
}

/** What both stream bodies (translated and native pass-through) take. */
export interface StreamBodyOptions {
  upstreamBody: ReadableStream<Uint8Array>;
  translator: StreamTranslator;
  /** Renders the surface's events; the pass-through uses it only for the error event of a cut-off upstream. */
  encoder: StreamEncoder;
  abortUpstream: () => void;
  onSettled: (outcome: StreamOutcome) => void;
  /** Sees every translated chunk and the usage, e.g. to record the answer for the prompt cache. */
  tap?: StreamTap;
  /** Keeps the request alive for work after the client left (the wait for the usage report): `waitUntil`. */
  keepAlive?: (work: Promise<unknown>) => void;
}

/** Counts what a chunk generated into the outcome; true when the chunk carries a finish reason. */
export function countChunk(outcome: StreamOutcome, chunk: ChatCompletionChunk): boolean {
  outcome.generatedCharacters += generatedCharacters(chunk.choices);
  outcome.reasoningCharacters += reasoningCharacters(chunk.choices);
  outcome.firstTokenAt ??= Date.now();
  return chunk.choices.some((choice) => choice.finish_reason !== null && choice.finish_reason !== undefined);
}

export const emptyOutcome = (): StreamOutcome => ({ status: "ok", usage: null, knownUsage: null, generatedCharacters: 0, reasoningCharacters: 0, firstTokenAt: null });

const asGatewayError = (error: unknown) =>
  error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");

export function createStreamResponseBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const { encoder } = options;
  const events = decodeServerSentEvents(options.upstreamBody).getReader();
  const outcome = emptyOutcome();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  let contentEnded = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let settled = false;
  const settle = (status: StreamOutcome["status"]) => {
    if (settled) return;
    settled = true;
    outcome.status = cancelled ? "cancelled" : status;
    options.onSettled(outcome);
  };
  /** Sends bytes to the client while it is there; after a cancel they are discarded. */
  const send = (parts: Uint8Array[]) => {
    if (cancelled || !controller) return false;
    for (const part of parts) controller.enqueue(part);
    return parts.length > 0;
  };
  const close = () => {
    if (!cancelled) controller?.close();
  };
  const finish = async () => {
    send(encoder.end());
    close();
    await events.cancel().catch(() => undefined);
    settle("ok");
  };
  const fail = (error: GatewayError) => {
    send(encoder.error(error));
    close();
    options.abortUpstream();
    outcome.error = error;
    settle("error");
  };

  /** Reads and handles one upstream event: the bytes read, and whether anything went to the client (or it ended). */
  const step = async (): Promise<{ bytes: number; wrote: boolean }> => {
    const { done, value } = await events.read();
    if (done) {
      // An upstream that closes without its end marker counts as complete only if it reported usage.
      if (outcome.usage) await finish();
      else fail(new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
      return { bytes: 0, wrote: true };
    }
    let wrote = false;
    for (const part of options.translator.translate(value)) {
      if (part.type === "chunk-emit") {
        if (countChunk(outcome, part.chunk)) contentEnded = true;
        options.tap?.chunk(part.chunk);
        wrote = send(encoder.chunk(part.chunk)) || wrote;
      } else if (part.type === "usage-final") {
        outcome.usage = part.usage;
        options.tap?.usage(part.usage, part.chunk);
        wrote = send(encoder.usage(part.usage, part.chunk)) || wrote;
      } else if (part.type === "usage-partial") {
        outcome.knownUsage = part.usage;
      } else {
        await finish();
        return { bytes: value.data.length, wrote: true };
      }
    }
    return { bytes: value.data.length, wrote };
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      fail(asGatewayError(error));
      return undefined;
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      async pull() {
        const run = guarded(async () => {
          while (!settled && !cancelled && !(await step()).wrote);
        });
        inFlight = run;
        await run;
      },
      cancel() {
        cancelled = true;
        if (!shouldWaitForUsage({ contentEnded, usageKnown: outcome.usage !== null, settled })) {
          options.abortUpstream();
          void events.cancel().catch(() => undefined);
          settle("cancelled");
          return;
        }
        const waiting = keepReadingForUsage(
          inFlight,
          async () => (await guarded(step))?.bytes ?? 0,
          () => settled || outcome.usage !== null,
        ).finally(() => {
          options.abortUpstream();
          void events.cancel().catch(() => undefined);
          settle("cancelled");
        });
        options.keepAlive?.(waiting);
      },
    },
    { highWaterMark: 0 },
  );
}
