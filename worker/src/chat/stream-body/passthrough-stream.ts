/**
 * A native stream forwarded byte for byte (a surface in front of the provider that speaks its API keeps full
 * fidelity: cache_control, thinking signatures, encrypted reasoning, server tools), while the native forward's reader
 * (surfaces/native-forward.ts) parses the same events to learn the usage. The bytes are split at event boundaries
 * (lib/sse/split-events.ts), never decoded and encoded again, and every event goes out exactly as received except
 * the dialect's final usage event, which is sent with the cost added (`withCost`: Anthropic `message_delta`,
 * Responses `response.completed` / `response.incomplete`). An event is forwarded once it is complete. Pull-based
 * (the translated stream now writes into a native body instead: translated-stream.ts), reading the upstream through
 * the idle guard's own reader, and ends exactly once by the same rules (stream-progress.ts).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../errors.ts";
import { guardedReaderOf } from "../upstream-idle-guard.ts";
import { createSseEventSplitter, encodeEventMessage } from "../../lib/sse/split-events.ts";
import type { NativeStreamReader } from "../../surfaces/native-forward.ts";
import { asGatewayError, createStreamProgress, type StreamBodyOptions } from "./stream-progress.ts";

export interface PassthroughStreamOptions extends StreamBodyOptions {
  translator: NativeStreamReader;
}

export function createPassthroughStreamBody(options: PassthroughStreamOptions): ReadableStream<Uint8Array> {
  const reader = guardedReaderOf(options.upstreamBody) ?? options.upstreamBody.getReader();
  const decoder = new TextDecoder();
  const splitter = createSseEventSplitter();
  const progress = createStreamProgress(options);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let endMarker = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let failure: GatewayError | undefined;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });

  /** Reads one piece's events (a piece holds at most one); returns what to send for the piece. */
  const tap = (piece: Uint8Array): Uint8Array => {
    parser.feed(decoder.decode(piece, { stream: true }));
    let out = piece;
    for (const event of events.splice(0)) {
      try {
        if (progress.apply(options.translator.translate(event)).endMarker) endMarker = true;
        const withCost = options.translator.withCost(event, options.costOf);
        if (withCost !== null) out = encodeEventMessage(event, withCost);
      } catch (error) {
        // The upstream's own error event goes to the client verbatim.
        failure = asGatewayError(error);
      }
    }
    return out;
  };
  /** While the client is there: forwards, or ends the stream with the surface's error event. */
  const send = (parts: Uint8Array[], end: boolean) => {
    if (progress.cancelled || !controller) return;
    for (const part of parts) controller.enqueue(part);
    if (end) controller.close();
  };

  /**
   * Reads once, forwards the complete events and taps them; resolves to the bytes read and whether anything was sent
   * (a read may end inside an event). Ends the stream when the upstream ends or fails.
   */
  const step = async (): Promise<{ bytes: number; wrote: boolean }> => {
    try {
      const { done, value } = await reader.read();
      if (!done) {
        const pieces = splitter.push(value).map(tap);
        send(pieces, false);
        return { bytes: value.byteLength, wrote: pieces.length > 0 };
      }
      send(splitter.flush().map(tap), false);
      parser.feed(decoder.decode());
      for (const event of events.splice(0)) {
        try {
          if (progress.apply(options.translator.translate(event)).endMarker) endMarker = true;
        } catch (error) {
          failure = asGatewayError(error);
        }
      }
      if (!endMarker && !failure) {
        failure = new GatewayError("upstream_error", "The upstream stream ended unexpectedly.");
        send(options.encoder.error(failure), false);
      }
      send([], true);
      progress.end(failure ? "error" : "ok", failure);
    } catch (error) {
      failure ??= asGatewayError(error);
      send(options.encoder.error(failure), true);
      options.abortUpstream();
      progress.end("error", failure);
    }
    return { bytes: 0, wrote: true };
  };

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      async pull() {
        // A pull must enqueue something (or end the stream), or the reader waits forever.
        while (!progress.ended && !progress.cancelled) {
          const reading = step();
          inFlight = reading;
          if ((await reading).wrote) return;
        }
      },
      cancel() {
        progress.clientGone({
          inFlight,
          step: async () => (await step()).bytes,
          stop: () => {
            options.abortUpstream();
            void reader.cancel().catch(() => undefined);
            return failure;
          },
        });
      },
    },
    { highWaterMark: 0 },
  );
}
