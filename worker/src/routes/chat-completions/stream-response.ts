/**
 * The streaming pipeline the route owns: upstream bytes -> SSE decode -> adapter translator -> usage tap -> SSE encode.
 * Pull-based, so the client's pace is the upstream's pace (no buffering of the whole answer). `onSettled` is called
 * exactly once: when the stream ends, fails, or the client goes away (then the upstream request is aborted at once).
 */
import { GatewayError } from "../../errors.ts";
import { generatedCharacters } from "../../lib/estimate-usage.ts";
import { decodeServerSentEvents } from "../../lib/sse/decode.ts";
import { DONE_EVENT, encodeData } from "../../lib/sse/encode.ts";
import type { NormalizedUsage, StreamTranslator } from "../../providers/types.ts";

export interface StreamOutcome {
  status: "ok" | "error" | "cancelled";
  usage: NormalizedUsage | null;
  /** Characters of generated text sent, for estimating usage when the upstream reported none. */
  generatedCharacters: number;
  firstTokenAt: number | null;
}

export function createStreamResponseBody(options: {
  upstreamBody: ReadableStream<Uint8Array>;
  translator: StreamTranslator;
  includeUsage: boolean;
  abortUpstream: () => void;
  onSettled: (outcome: StreamOutcome) => void;
}): ReadableStream<Uint8Array> {
  const events = decodeServerSentEvents(options.upstreamBody).getReader();
  const outcome: StreamOutcome = { status: "ok", usage: null, generatedCharacters: 0, firstTokenAt: null };
  let settled = false;
  let usageSent = false;
  const settle = (status: StreamOutcome["status"]) => {
    if (settled) return;
    settled = true;
    outcome.status = status;
    options.onSettled(outcome);
  };

  const finishWithError = (controller: ReadableStreamDefaultController<Uint8Array>, error: GatewayError) => {
    controller.enqueue(encodeData(error.toJSON()));
    controller.close();
    options.abortUpstream();
    settle("error");
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const { done, value } = await events.read();
            if (done) {
              // An upstream that closes without its end marker and without usage was cut off.
              if (outcome.usage) {
                controller.enqueue(DONE_EVENT);
                controller.close();
                settle("ok");
              } else {
                finishWithError(controller, new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
              }
              return;
            }
            let wrote = false;
            for (const part of options.translator.translate(value)) {
              if (part.type === "chunk-emit") {
                const { usage: _usage, ...withoutUsage } = part.chunk;
                const chunk = options.includeUsage ? part.chunk : withoutUsage;
                outcome.generatedCharacters += generatedCharacters(part.chunk.choices);
                outcome.firstTokenAt ??= Date.now();
                controller.enqueue(encodeData(chunk));
                wrote = true;
              } else if (part.type === "usage-final") {
                outcome.usage = part.usage;
                // Some upstreams report usage twice (Kimi: on the finish chunk and in a usage chunk): send it once.
                if (options.includeUsage && !usageSent) {
                  usageSent = true;
                  controller.enqueue(encodeData(part.chunk));
                  wrote = true;
                }
              } else {
                controller.enqueue(DONE_EVENT);
                controller.close();
                await events.cancel().catch(() => undefined);
                settle("ok");
                return;
              }
            }
            if (wrote) return;
          }
        } catch (error) {
          const gatewayError =
            error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed.");
          finishWithError(controller, gatewayError);
        }
      },
      async cancel() {
        options.abortUpstream();
        await events.cancel().catch(() => undefined);
        settle("cancelled");
      },
    },
    { highWaterMark: 0 },
  );
}
