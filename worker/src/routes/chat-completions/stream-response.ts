/**
 * The streaming pipeline the route owns: upstream bytes -> SSE decode -> adapter translator -> usage tap -> surface
 * encoder. Pull-based, so the client's pace is the upstream's pace (no buffering of the whole answer). `onSettled` is
 * called exactly once: when the stream ends, fails, or the client goes away (then the upstream request is aborted).
 */
import { GatewayError } from "../../errors.ts";
import { generatedCharacters } from "../../lib/estimate-usage.ts";
import { decodeServerSentEvents } from "../../lib/sse/decode.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage, StreamTranslator } from "../../providers/types.ts";
import type { StreamEncoder } from "../../surfaces/types.ts";

export interface StreamTap {
  chunk(chunk: ChatCompletionChunk): void;
  usage(usage: NormalizedUsage, chunk: ChatCompletionChunk): void;
}

export interface StreamOutcome {
  status: "ok" | "error" | "cancelled";
  usage: NormalizedUsage | null;
  /** Characters of generated text sent, for estimating usage when the upstream reported none. */
  generatedCharacters: number;
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
}

export function createStreamResponseBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const { encoder } = options;
  const events = decodeServerSentEvents(options.upstreamBody).getReader();
  const outcome: StreamOutcome = { status: "ok", usage: null, generatedCharacters: 0, firstTokenAt: null };
  let settled = false;
  const settle = (status: StreamOutcome["status"]) => {
    if (settled) return;
    settled = true;
    outcome.status = status;
    options.onSettled(outcome);
  };
  const enqueueAll = (controller: ReadableStreamDefaultController<Uint8Array>, parts: Uint8Array[]) => {
    for (const part of parts) controller.enqueue(part);
    return parts.length > 0;
  };
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    enqueueAll(controller, encoder.end());
    controller.close();
    await events.cancel().catch(() => undefined);
    settle("ok");
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: GatewayError) => {
    enqueueAll(controller, encoder.error(error));
    controller.close();
    options.abortUpstream();
    outcome.error = error;
    settle("error");
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const { done, value } = await events.read();
            if (done) {
              // An upstream that closes without its end marker counts as complete only if it reported usage.
              if (outcome.usage) await finish(controller);
              else fail(controller, new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
              return;
            }
            let wrote = false;
            for (const part of options.translator.translate(value)) {
              if (part.type === "chunk-emit") {
                outcome.generatedCharacters += generatedCharacters(part.chunk.choices);
                outcome.firstTokenAt ??= Date.now();
                options.tap?.chunk(part.chunk);
                wrote = enqueueAll(controller, encoder.chunk(part.chunk)) || wrote;
              } else if (part.type === "usage-final") {
                outcome.usage = part.usage;
                options.tap?.usage(part.usage, part.chunk);
                wrote = enqueueAll(controller, encoder.usage(part.usage, part.chunk)) || wrote;
              } else {
                await finish(controller);
                return;
              }
            }
            if (wrote) return;
          }
        } catch (error) {
          fail(controller, error instanceof GatewayError ? error : new GatewayError("upstream_error", "The upstream stream failed."));
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
