/**
 * The translated stream: upstream bytes -> SSE decode -> adapter translator -> usage tap -> surface encoder.
 * Pull-based, so the client's pace is the upstream's pace (no buffering of the whole answer). It ends exactly once
 * (stream-progress.ts): when the stream ends, fails, or the client goes away.
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import { decodeServerSentEvents } from "../../lib/sse/decode.ts";
import { toOpenAIUsage } from "../../providers/convert-to-openai-usage.ts";
import { asGatewayError, createStreamProgress, type PartRenderer, type StreamBodyOptions } from "./stream-progress.ts";

export function createTranslatedStreamBody(options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const { encoder } = options;
  const events = decodeServerSentEvents(options.upstreamBody).getReader();
  const progress = createStreamProgress(options);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastChunk: ChatCompletionChunk | null = null;

  /** Sends bytes to the client while it is there; after a cancel they are discarded. */
  const send = (parts: Uint8Array[]) => {
    if (progress.cancelled || !controller) return false;
    for (const part of parts) controller.enqueue(part);
    return parts.length > 0;
  };
  const close = () => {
    if (!progress.cancelled) controller?.close();
  };
  const render: PartRenderer = {
    chunk: (chunk) => {
      lastChunk = chunk;
      return send(encoder.chunk(chunk));
    },
    usage: (usage, chunk) => send(encoder.usage(usage, chunk, options.costOf(usage))),
  };
  /** An upstream that ended without a usage report: the final event carries the estimate billed instead. */
  const sendEstimate = () => {
    if (progress.outcome.usage || !options.estimateUsage || !lastChunk) return;
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
    await events.cancel().catch(() => undefined);
    progress.end("ok");
  };
  const fail = (error: GatewayError) => {
    send(encoder.error(error));
    close();
    options.abortUpstream();
    progress.end("error", error);
  };

  /** Reads and handles one upstream event: the bytes read, and whether anything went to the client (or it ended). */
  const step = async (): Promise<{ bytes: number; wrote: boolean }> => {
    const { done, value } = await events.read();
    if (done) {
      // An upstream that closes without its end marker counts as complete only if it reported usage.
      if (progress.outcome.usage) await finish();
      else fail(new GatewayError("upstream_error", "The upstream stream ended unexpectedly."));
      return { bytes: 0, wrote: true };
    }
    const { endMarker, wrote } = progress.apply(options.translator.translate(value), render);
    if (endMarker) await finish();
    return { bytes: value.data.length, wrote: wrote || endMarker };
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
          while (!progress.ended && !progress.cancelled && !(await step()).wrote);
        });
        inFlight = run;
        await run;
      },
      cancel() {
        progress.clientGone({
          inFlight,
          step: async () => (await guarded(step))?.bytes ?? 0,
          stop: () => {
            options.abortUpstream();
            void events.cancel().catch(() => undefined);
          },
        });
      },
    },
    { highWaterMark: 0 },
  );
}
