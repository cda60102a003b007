/**
 * A native stream forwarded byte for byte (the Anthropic surface in front of Anthropic itself keeps full fidelity:
 * cache_control, thinking signatures, server tools), while a tap parses the same bytes with the adapter's translator
 * to learn the usage. Pull-based like the translated stream, and ends exactly once by the same rules
 * (stream-progress.ts).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../errors.ts";
import { asGatewayError, createStreamProgress, type StreamBodyOptions } from "./stream-progress.ts";

export function createPassthroughStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const reader = options.upstreamBody.getReader();
  const decoder = new TextDecoder();
  const progress = createStreamProgress(options);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let endMarker = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let failure: GatewayError | undefined;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });

  const tap = () => {
    for (const event of events.splice(0)) {
      try {
        if (progress.apply(options.translator.translate(event)).endMarker) endMarker = true;
      } catch (error) {
        // The upstream's own error event already went to the client verbatim.
        failure = asGatewayError(error);
      }
    }
  };
  /** While the client is there: forwards, or ends the stream with the surface's error event. */
  const send = (parts: Uint8Array[], end: boolean) => {
    if (progress.cancelled || !controller) return;
    for (const part of parts) controller.enqueue(part);
    if (end) controller.close();
  };

  /** Reads once, forwards and taps; resolves to the bytes read. Ends the stream when the upstream ends or fails. */
  const step = async (): Promise<number> => {
    try {
      const { done, value } = await reader.read();
      if (!done) {
        send([value], false);
        parser.feed(decoder.decode(value, { stream: true }));
        tap();
        return value.byteLength;
      }
      parser.feed(decoder.decode());
      tap();
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
    return 0;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      async pull() {
        inFlight = step();
        await inFlight;
      },
      cancel() {
        progress.clientGone({
          inFlight,
          step,
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
