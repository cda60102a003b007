/**
 * The answer to a streamed request: the upstream's events through the translated stream body, or byte for byte
 * through the pass-through on a native route (read by the native forward's own stream reader, its final usage event
 * carrying the cost). The request is finished when the stream ends (stream-progress.ts);
 * only a complete, successful answer is recorded for the prompt cache.
 */
import { estimateUsage, withKnownUsage } from "../lib/estimate-usage.ts";
import { createStreamRecorder } from "../services/prompt-cache/cache-entry.ts";
import type { ChatRun } from "./chat-scope.ts";
import type { ChosenRoute } from "./route-trial.ts";
import type { StreamOutcome } from "./stream-body/stream-progress.ts";
import { createPassthroughStreamBody } from "./stream-body/passthrough-stream.ts";
import type { StreamBodyOptions } from "./stream-body/stream-progress.ts";
import { createTranslatedStreamBody } from "./stream-body/translated-stream.ts";

/** Answers larger than this (serialized) are not cached. */
const MAX_CACHE_ENTRY_BYTES = 1024 * 1024;

export function eventStreamResponse(body: ReadableStream<Uint8Array>, headers: Record<string, string>): Response {
  return new Response(body, {
    headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

export function answerStream(run: ChatRun, chosen: ChosenRoute, upstreamBody: ReadableStream<Uint8Array>): Response {
  const { scope, cache, finisher } = run;
  const { candidate, chat, abort } = chosen;
  const provider = candidate.route.provider;
  const native = chosen.isNative ? run.native : undefined;
  // A native answer is recorded only when its dialect's replay through the surface loses nothing (native-forward.ts).
  const recorder = cache.key && (!native || native.cacheable) ? createStreamRecorder(MAX_CACHE_ENTRY_BYTES) : undefined;
  const estimate = (outcome: StreamOutcome) =>
    withKnownUsage(
      estimateUsage(run.promptCharacters(), outcome.generatedCharacters, outcome.reasoningCharacters),
      outcome.knownUsage,
    );
  const options = {
    upstreamBody,
    encoder: run.surface.createStreamEncoder({
      includeUsage: run.request.stream_options?.include_usage === true,
      modelId: run.answerModelId,
      requestId: scope.meta.requestId,
    }),
    abortUpstream: () => abort.abort(),
    costOf: run.costOf,
    estimateUsage: estimate,
    keepAlive: (work) => scope.waitUntil(work),
    ...(scope.clientSignal ? { clientSignal: scope.clientSignal } : {}),
    ...(recorder
      ? {
          tap: {
            chunk: (chunk) => recorder.add(chunk),
            // A forwarded chunk is recorded as its bytes: a cached stream costs no decode or parse per chunk either.
            chunkBytes: (json) => recorder.addBytes(json),
            usage: (usage, chunk) => recorder.setUsage(usage, chunk),
          },
        }
      : {}),
    onEnd: (outcome) => {
      // A failure after the first byte never reaches onError: report it here (ids and status only).
      if (outcome.status === "error" && outcome.error) {
        scope.services.errorReporter.serverError(outcome.error, outcome.error.status);
      }
      const usage = outcome.usage ?? estimate(outcome);
      // Only a complete, successful answer is cached; partial, failed or cancelled ones never are.
      const entry = outcome.status === "ok" && recorder ? recorder.finish() : null;
      finisher.finish(
        {
          provider,
          usage,
          costMicroUsd: run.cost(usage),
          status: outcome.status,
          httpStatus: outcome.error?.status ?? 200,
          firstTokenAt: outcome.firstTokenAt,
          finishReason: outcome.finishReason,
        },
        entry && cache.key ? { key: cache.key, entry } : undefined,
      );
    },
  } satisfies Omit<StreamBodyOptions, "translator">;
  const body = native
    ? createPassthroughStreamBody({ ...options, translator: native.createStreamReader(chat, candidate.adapter) })
    : createTranslatedStreamBody({ ...options, translator: candidate.adapter.createStreamTranslator(chat) });
  return eventStreamResponse(body, run.headers);
}
