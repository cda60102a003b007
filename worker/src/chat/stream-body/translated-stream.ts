/**
 * The translated stream: upstream bytes -> SSE events -> adapter translator -> usage tap -> surface encoder.
 * Its own read loop writes into a native body (push-body.ts), so workerd does not enter JavaScript again per chunk to
 * pull it, and reads the upstream again once the client has taken the last write, so the client's pace is the
 * upstream's (no buffering of the whole answer). It ends exactly once (stream-progress.ts): when the stream ends,
 * fails, or the client goes away.
 *
 * The bytes are cut at event boundaries (lib/sse/split-events.ts) and read in place, without a stream pipeline per
 * stage. When the translator and the encoder both speak the internal shape (an OpenAI-dialect upstream answering an
 * OpenAI chat client), a plain content event goes through as the upstream's bytes with only its `model` replaced
 * (`StreamTranslator.forwardData`, `StreamEncoder.chunkForwarded`): no decode, JSON parse, stringify or encode. Every
 * other event (finish chunks with a reason, usage reports, errors, tool calls, `[DONE]`) is decoded, parsed and
 * translated as before, so the final usage chunk, its cost, the finish reason and the error event are the same either
 * way.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../errors.ts";
import { guardedReaderOf } from "../upstream-idle-guard.ts";
import { joinBytes } from "../../lib/join-bytes.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import { createSseEventSplitter } from "../../lib/sse/split-events.ts";
import { toOpenAIUsage } from "../../providers/convert-to-openai-usage.ts";
import { createPushBody } from "./push-body.ts";
import type { ForwardedChunk } from "../../providers/types.ts";
import {
  asGatewayError,
  createStreamProgress,
  parseForwarded,
  type PartRenderer,
  type StreamBodyOptions,
} from "./stream-progress.ts";

/** An event held longer than this without its end fails the stream (as the SSE parser's buffer limit did). */
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
/** `data:` */
const DATA_FIELD = [0x64, 0x61, 0x74, 0x61, 0x3a];

/** Where the data of a piece that starts with a `data:` line begins, or -1. */
function dataStart(piece: Uint8Array): number {
  for (let index = 0; index < DATA_FIELD.length; index += 1) if (piece[index] !== DATA_FIELD[index]) return -1;
  return piece[5] === 0x20 ? 6 : 5;
}

/** Where the piece's data ends: before the line ends that close the event. */
function dataEnd(piece: Uint8Array, start: number): number {
  let end = piece.byteLength;
  while (end > start && (piece[end - 1] === LF || piece[end - 1] === CR)) end -= 1;
  return end;
}

export function createTranslatedStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const { encoder, translator } = options;
  const reader = guardedReaderOf(options.upstreamBody) ?? options.upstreamBody.getReader();
  const splitter = createSseEventSplitter();
  const decoder = new TextDecoder();
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  const forwardData = translator.forwardData?.bind(translator);
  const chunkForwarded = encoder.chunkForwarded?.bind(encoder);
  const progress = createStreamProgress(options);
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastChunk: ChatCompletionChunk | null = null;
  /** The last forwarded chunk: parsed only if an estimate needs its id (rare). */
  let lastForwarded: ForwardedChunk | null = null;
  let heldBytes = 0;

  /** The forwarded chunks of one read, sent to the client as one chunk (one write), not one per event. */
  let outgoing: Uint8Array[] = [];
  /** The last write: the loop reads the upstream again once the client has taken it (it rejects if the client left). */
  let written: Promise<void> = Promise.resolve();
  /** Whether `written` is a write the loop has not awaited yet (one read can flush more than once). */
  let unawaited = false;
  /** Queues bytes for the client while it is there; after a cancel they are discarded. */
  const send = (parts: Uint8Array[]) => {
    if (progress.cancelled) return;
    for (const part of parts) outgoing.push(part);
  };
  const flush = () => {
    const parts = outgoing;
    if (parts.length === 0 || progress.cancelled) return;
    outgoing = [];
    // An earlier write of the same read that the loop will not await: its failure (the client left) is handled by
    // the one the loop awaits.
    if (unawaited) written.catch(() => undefined);
    written = client.write(joinBytes(parts));
    unawaited = true;
  };
  const close = () => {
    flush();
    if (!progress.cancelled) client.close();
  };
  const render: PartRenderer = {
    chunk: (chunk) => {
      lastChunk = chunk;
      lastForwarded = null;
      send(encoder.chunk(chunk));
      return true;
    },
    usage: (usage, chunk) => {
      send(encoder.usage(usage, chunk, options.costOf(usage)));
      return true;
    },
  };
  /** An upstream that ended without a usage report: the final event carries the estimate billed instead. */
  const sendEstimate = () => {
    if (progress.outcome.usage || !options.estimateUsage) return;
    if (lastForwarded !== null) lastChunk = parseForwarded(lastForwarded);
    if (!lastChunk) return;
    const usage = options.estimateUsage(progress.outcome);
    const { id, created, model } = lastChunk;
    const chunk: ChatCompletionChunk = {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [],
      usage: toOpenAIUsage(usage),
    };
    send(encoder.usage(usage, chunk, options.costOf(usage)));
  };
  const finish = () => {
    sendEstimate();
    send(encoder.end());
    close();
    progress.end("ok");
    void reader.cancel().catch(() => undefined);
  };
  const fail = (error: GatewayError) => {
    send(encoder.error(error));
    close();
    options.abortUpstream();
    progress.end("error", error);
  };

  /** A complete event that is a plain content chunk of the same dialect, as its bytes; null for any other. */
  const forwardedOf = (piece: Uint8Array): ForwardedChunk | null => {
    const start = forwardData && chunkForwarded ? dataStart(piece) : -1;
    return start !== -1 && forwardData ? forwardData(piece, start, dataEnd(piece, start)) : null;
  };

  /**
   * One event's bytes: forwarded as they are (model replaced) on the fast path, else decoded, parsed and translated.
   * An unterminated last event (`complete` false) only goes to the parser, which drops it, as before. True when the
   * event was the upstream's end marker.
   */
  const handlePiece = (piece: Uint8Array, complete: boolean): boolean => {
    const forwarded = complete ? forwardedOf(piece) : null;
    if (forwarded && chunkForwarded) {
      progress.applyForwarded(forwarded);
      lastForwarded = forwarded;
      send(chunkForwarded(forwarded));
      return false;
    }
    // Forwarded chunks go out together; any other event goes out on its own, as before.
    flush();
    parser.feed(decoder.decode(piece));
    for (const event of parsed.splice(0)) {
      if (progress.apply(translator.translate(event), render).endMarker) return true;
    }
    return false;
  };

  /** Handles one read's complete events: the bytes read. Throws what the translator throws. */
  const handleRead = ({ done, value }: ReadableStreamReadResult<Uint8Array>): number => {
    const pieces = done ? splitter.flush() : splitter.push(value);
    for (const piece of pieces) {
      if (handlePiece(piece, !done)) {
        finish();
        return value?.byteLength ?? 0;
      }
    }
    if (done) {
      // An upstream that closes without its end marker counts as complete only if it reported usage.
      if (progress.outcome.usage) finish();
      else fail(new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
      return 0;
    }
    heldBytes = pieces.length > 0 ? 0 : heldBytes + value.byteLength;
    if (heldBytes > MAX_EVENT_BYTES) throw new GatewayError("upstream_error", "The upstream sent an oversized event.");
    return value.byteLength;
  };

  /** One read after the client left (the wait for the usage report): the bytes read; a failure ends the stream. */
  const step = async (): Promise<number> => {
    try {
      return handleRead(await reader.read());
    } catch (error) {
      fail(asGatewayError(error));
      return 0;
    }
  };

  let left = false;
  /** The client went away: the stream ends cancelled, or first waits for the usage report (usage-after-cancel.ts). */
  const clientGone = () => {
    if (left || progress.ended) return;
    left = true;
    progress.clientGone({
      inFlight,
      step,
      stop: () => {
        options.abortUpstream();
        void reader.cancel().catch(() => undefined);
      },
    });
  };
  const client = createPushBody(clientGone, options.clientSignal);

  /**
   * Reads and sends until the stream ends or the client leaves, at the client's pace: the upstream is read again once
   * the client has taken the last write. (Reading ahead while a write is in flight cost more CPU per chunk on the
   * bench, not less: docs/benchmarks/2026-12-06-streams.md, "Second pass".) One `await` per read and one per write,
   * no promise layer around either.
   */
  const pump = async () => {
    try {
      while (!progress.ended && !progress.cancelled) {
        const reading = reader.read();
        inFlight = reading;
        try {
          handleRead(await reading);
        } catch (error) {
          fail(asGatewayError(error));
        }
        flush();
        unawaited = false;
        await written;
      }
    } catch {
      // A write failed: the client went away (push-body.ts has said so, or the next line does).
      clientGone();
    }
  };
  void pump();
  return client.readable;
}
