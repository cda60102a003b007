/**
 * The translated stream: upstream bytes -> SSE events -> adapter translator -> usage tap -> surface encoder.
 * Its own read loop writes into a native body (push-body.ts), so workerd does not enter JavaScript again per chunk to
 * pull it, and reads the upstream again once the client has taken the last write, so the client's pace is the
 * upstream's (no buffering of the whole answer). It ends exactly once (stream-progress.ts): when the stream ends,
 * fails, or the client goes away.
 *
 * The bytes are cut at event boundaries (lib/sse/split-events.ts) and read in place, without a stream pipeline per
 * stage. When the translator and the encoder both speak the internal shape (an OpenAI-dialect upstream answering an
 * OpenAI chat client), a plain content event goes through as text with only its `model` replaced
 * (`StreamTranslator.forwardData`, `StreamEncoder.chunkJson`): no JSON parse or stringify. Every other event (role
 * and finish chunks with a reason, usage reports, errors, `[DONE]`) is parsed and translated as before, so the final
 * usage chunk, its cost, the finish reason and the error event are the same either way.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../errors.ts";
import { guardedReaderOf } from "../upstream-idle-guard.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import { createSseEventSplitter } from "../../lib/sse/split-events.ts";
import { toOpenAIUsage } from "../../providers/convert-to-openai-usage.ts";
import { createPushBody } from "./push-body.ts";
import { asGatewayError, createStreamProgress, type PartRenderer, type StreamBodyOptions } from "./stream-progress.ts";

/** An event held longer than this without its end fails the stream (as the SSE parser's buffer limit did). */
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** The data of a piece that is exactly one `data:` line (the fast path's shape), or null. */
function singleDataLine(text: string): string | null {
  if (!text.startsWith("data:")) return null;
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x0a || text.charCodeAt(end - 1) === 0x0d)) end -= 1;
  const data = text.slice(text.charCodeAt(5) === 0x20 ? 6 : 5, end);
  return data.includes("\n") || data.includes("\r") ? null : data;
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}

export function createTranslatedStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const { encoder, translator } = options;
  const reader = guardedReaderOf(options.upstreamBody) ?? options.upstreamBody.getReader();
  const splitter = createSseEventSplitter();
  const decoder = new TextDecoder();
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  const fastPath = translator.forwardData !== undefined && encoder.chunkJson !== undefined;
  const progress = createStreamProgress(options);
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastChunk: ChatCompletionChunk | null = null;
  /** The last forwarded chunk's text: parsed only if an estimate needs its id (rare). */
  let lastForwarded: string | null = null;
  let heldBytes = 0;

  /** The forwarded chunks of one read, sent to the client as one chunk (one write), not one per event. */
  let outgoing: Uint8Array[] = [];
  /** The last write: the loop reads the upstream again once the client has taken it. */
  let written: Promise<boolean> = Promise.resolve(true);
  /** Queues bytes for the client while it is there; after a cancel they are discarded. */
  const send = (parts: Uint8Array[]) => {
    if (progress.cancelled) return false;
    outgoing.push(...parts);
    return parts.length > 0;
  };
  const flush = () => {
    const parts = outgoing;
    outgoing = [];
    if (parts.length === 0 || progress.cancelled) return;
    written = client.write(parts.length === 1 ? (parts[0] as Uint8Array) : concatenate(parts));
  };
  const close = () => {
    flush();
    if (!progress.cancelled) client.close();
  };
  const render: PartRenderer = {
    chunk: (chunk) => {
      lastChunk = chunk;
      lastForwarded = null;
      return send(encoder.chunk(chunk));
    },
    usage: (usage, chunk) => send(encoder.usage(usage, chunk, options.costOf(usage))),
  };
  /** An upstream that ended without a usage report: the final event carries the estimate billed instead. */
  const sendEstimate = () => {
    if (progress.outcome.usage || !options.estimateUsage) return;
    if (lastForwarded !== null) lastChunk = JSON.parse(lastForwarded) as ChatCompletionChunk;
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
  const finish = async () => {
    sendEstimate();
    send(encoder.end());
    close();
    progress.end("ok");
    await reader.cancel().catch(() => undefined);
  };
  const fail = (error: GatewayError) => {
    send(encoder.error(error));
    close();
    options.abortUpstream();
    progress.end("error", error);
  };

  /**
   * One event's bytes: forwarded as text on the fast path, else parsed and translated. An unterminated last event
   * (`complete` false) only goes to the parser, which drops it, as before.
   */
  const handlePiece = (piece: Uint8Array, complete: boolean): { endMarker: boolean; wrote: boolean } => {
    const text = decoder.decode(piece);
    const data = fastPath && complete ? singleDataLine(text) : null;
    const forwarded = data === null ? null : (translator.forwardData?.(data) ?? null);
    const bytes = forwarded ? (encoder.chunkJson?.(forwarded.json) ?? null) : null;
    if (forwarded && bytes) {
      progress.applyForwarded(forwarded);
      lastForwarded = forwarded.json;
      return { endMarker: false, wrote: send(bytes) };
    }
    // Forwarded chunks go out together; any other event goes out on its own, as before.
    flush();
    parser.feed(text);
    let wrote = false;
    for (const event of parsed.splice(0)) {
      const result = progress.apply(translator.translate(event), render);
      wrote = result.wrote || wrote;
      if (result.endMarker) return { endMarker: true, wrote };
    }
    return { endMarker: false, wrote };
  };

  /** Reads once and handles the complete events: the bytes read, whether anything was sent (or the stream ended). */
  const step = async (): Promise<{ bytes: number; wrote: boolean }> => {
    const { done, value } = await reader.read();
    const pieces = done ? splitter.flush() : splitter.push(value);
    let wrote = false;
    for (const piece of pieces) {
      const result = handlePiece(piece, !done);
      wrote = result.wrote || wrote;
      if (result.endMarker) {
        await finish();
        return { bytes: value?.byteLength ?? 0, wrote: true };
      }
    }
    if (done) {
      // An upstream that closes without its end marker counts as complete only if it reported usage.
      if (progress.outcome.usage) await finish();
      else fail(new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
      return { bytes: 0, wrote: true };
    }
    heldBytes = pieces.length > 0 ? 0 : heldBytes + value.byteLength;
    if (heldBytes > MAX_EVENT_BYTES) throw new GatewayError("upstream_error", "The upstream sent an oversized event.");
    return { bytes: value.byteLength, wrote };
  };

  const guarded = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      fail(asGatewayError(error));
      return undefined;
    }
  };

  /** The client went away: the stream ends cancelled, or first waits for the usage report (usage-after-cancel.ts). */
  const clientGone = () =>
    progress.clientGone({
      inFlight,
      step: async () => (await guarded(step))?.bytes ?? 0,
      stop: () => {
        options.abortUpstream();
        void reader.cancel().catch(() => undefined);
      },
    });
  const client = createPushBody(() => {
    if (!progress.ended) clientGone();
  }, options.clientSignal);

  /**
   * Reads and sends until the stream ends or the client leaves, at the client's pace: the upstream is read again once
   * the client has taken the last write. (Reading ahead while a write is in flight cost more CPU per chunk on the
   * bench, not less: docs/benchmarks/2026-12-06-streams.md, "Second pass".)
   */
  const pump = async () => {
    while (!progress.ended && !progress.cancelled) {
      const reading = guarded(step);
      inFlight = reading;
      await reading;
      flush();
      if (!(await written)) return;
    }
  };
  void pump();
  return client.readable;
}
