/**
 * A native stream forwarded byte for byte (the Anthropic surface in front of Anthropic itself keeps full fidelity:
 * cache_control, thinking signatures, server tools), while a tap parses the same bytes with the adapter's translator
 * to learn the usage. Pull-based like the translating pipeline; `onSettled` is called exactly once.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../errors.ts";
import { generatedCharacters } from "../lib/estimate-usage.ts";
import type { StreamBodyOptions, StreamOutcome } from "./chat-completions/stream-response.ts";

export function createPassthroughStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const reader = options.upstreamBody.getReader();
  const decoder = new TextDecoder();
  const outcome: StreamOutcome = { status: "ok", usage: null, generatedCharacters: 0, firstTokenAt: null };
  let ended = false;
  let failure: GatewayError | undefined;
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let settled = false;
  const settle = (status: StreamOutcome["status"]) => {
    if (settled) return;
    settled = true;
    outcome.status = status;
    if (failure) outcome.error = failure;
    options.onSettled(outcome);
  };
  const tap = () => {
    for (const event of events.splice(0)) {
      try {
        for (const part of options.translator.translate(event)) {
          if (part.type === "chunk-emit") {
            outcome.generatedCharacters += generatedCharacters(part.chunk.choices);
            outcome.firstTokenAt ??= Date.now();
            options.tap?.chunk(part.chunk);
          } else if (part.type === "usage-final") {
            outcome.usage = part.usage;
            options.tap?.usage(part.usage, part.chunk);
          } else ended = true;
        }
      } catch (error) {
        // The upstream's own error event already went to the client verbatim.
        failure = error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");
      }
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!done) {
            controller.enqueue(value);
            parser.feed(decoder.decode(value, { stream: true }));
            tap();
            return;
          }
          parser.feed(decoder.decode());
          tap();
          if (!ended && !failure) {
            failure = new GatewayError("upstream_error", "The upstream stream ended unexpectedly.");
            for (const part of options.encoder.error(failure)) controller.enqueue(part);
          }
          controller.close();
          settle(failure ? "error" : "ok");
        } catch {
          failure ??= new GatewayError("upstream_error", "The upstream stream failed.");
          for (const part of options.encoder.error(failure)) controller.enqueue(part);
          controller.close();
          options.abortUpstream();
          settle("error");
        }
      },
      async cancel() {
        options.abortUpstream();
        await reader.cancel().catch(() => undefined);
        settle("cancelled");
      },
    },
    { highWaterMark: 0 },
  );
}
