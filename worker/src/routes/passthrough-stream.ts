/**
 * A native stream forwarded byte for byte (the Anthropic surface in front of Anthropic itself keeps full fidelity:
 * cache_control, thinking signatures, server tools), while a tap parses the same bytes with the adapter's translator
 * to learn the usage. Pull-based like the translating pipeline; `onSettled` is called exactly once, and a client that
 * goes away is handled by the same rule (usage-after-cancel.ts).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../errors.ts";
import { countChunk, emptyOutcome, type StreamBodyOptions, type StreamOutcome } from "./chat-completions/stream-response.ts";
import { keepReadingForUsage, shouldWaitForUsage } from "./usage-after-cancel.ts";

export function createPassthroughStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const reader = options.upstreamBody.getReader();
  const decoder = new TextDecoder();
  const outcome = emptyOutcome();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  let contentEnded = false;
  let ended = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let failure: GatewayError | undefined;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let settled = false;
  const settle = (status: StreamOutcome["status"]) => {
    if (settled) return;
    settled = true;
    outcome.status = cancelled ? "cancelled" : status;
    if (failure) outcome.error = failure;
    options.onSettled(outcome);
  };
  const tap = () => {
    for (const event of events.splice(0)) {
      try {
        for (const part of options.translator.translate(event)) {
          if (part.type === "chunk-emit") {
            if (countChunk(outcome, part.chunk)) contentEnded = true;
            options.tap?.chunk(part.chunk);
          } else if (part.type === "usage-final") {
            outcome.usage = part.usage;
            options.tap?.usage(part.usage, part.chunk);
          } else if (part.type === "usage-partial") outcome.knownUsage = part.usage;
          else ended = true;
        }
      } catch (error) {
        // The upstream's own error event already went to the client verbatim.
        failure = error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");
      }
    }
  };
  /** While the client is there: forwards, or ends the stream with the surface's error event. */
  const send = (parts: Uint8Array[], end: boolean) => {
    if (cancelled || !controller) return;
    for (const part of parts) controller.enqueue(part);
    if (end) controller.close();
  };

  /** Reads once, forwards and taps; resolves to the bytes read. Settles when the upstream ends or fails. */
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
      if (!ended && !failure) {
        failure = new GatewayError("upstream_error", "The upstream stream ended unexpectedly.");
        send(options.encoder.error(failure), false);
      }
      send([], true);
      settle(failure ? "error" : "ok");
    } catch (error) {
      failure ??= error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");
      send(options.encoder.error(failure), true);
      options.abortUpstream();
      settle("error");
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
        cancelled = true;
        const stop = () => {
          options.abortUpstream();
          void reader.cancel().catch(() => undefined);
          settle("cancelled");
        };
        if (!shouldWaitForUsage({ contentEnded, usageKnown: outcome.usage !== null, settled })) return stop();
        const waiting = keepReadingForUsage(inFlight, step, () => settled || ended || outcome.usage !== null).finally(stop);
        options.keepAlive?.(waiting);
      },
    },
    { highWaterMark: 0 },
  );
}
