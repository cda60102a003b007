/**
 * Answers from the prompt cache: the entry is decrypted with a key derived from the caller's API key (unreadable
 * without it), then replayed through the surface at full speed, streamed or not. Recorded as a usage row with
 * `cache_hit = true`, priced by `cacheHitCostMicroUsd`. A corrupt or undecryptable entry is treated as a miss (null).
 */
import { costUsdText } from "../lib/cost.ts";
import { finishReasonOf } from "../lib/finish-reason.ts";
import { cacheHitCost } from "../services/hot-path/reservation.ts";
import { parseEntry, replayJson, replayStream } from "../services/prompt-cache/cache-entry.ts";
import { decryptEntry } from "../services/prompt-cache/entry-crypto.ts";
import type { ChatRun } from "./chat-scope.ts";
import { eventStreamResponse } from "./stream-answer.ts";

export async function answerFromCache(run: ChatRun, entryText: string, cacheKey: string): Promise<Response | null> {
  const { scope, surface, model } = run;
  const bytes = await decryptEntry(entryText, scope.apiKey, cacheKey);
  const entry = bytes ? parseEntry(bytes) : null;
  if (!entry) return null;
  const cost = cacheHitCost(entry.usage, model, run.price);
  run.finisher.finish({
    provider: "cache",
    usage: entry.usage,
    costMicroUsd: cost.microUsd,
    status: "ok",
    httpStatus: 200,
    firstTokenAt: Date.now(),
    cacheHit: true,
    finishReason: finishReasonOf(
      entry.kind === "json" ? entry.body.choices : entry.chunks.flatMap((chunk) => chunk.choices),
    ),
  });
  if (!run.stream) {
    const headers = { ...run.headers, "x-omnizen-cost": costUsdText(cost) };
    return Response.json(replayJson(entry, surface, cost, run.answerModelId), { headers });
  }
  const encoder = surface.createStreamEncoder({
    includeUsage: run.request.stream_options?.include_usage === true,
    modelId: run.answerModelId,
    requestId: scope.meta.requestId,
  });
  const parts = replayStream(entry, encoder, cost);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
  return eventStreamResponse(body, run.headers);
}
