/**
 * Answers from the prompt cache: the entry is decrypted with a key derived from the caller's API key (unreadable
 * without it), then replayed through the surface at full speed, streamed or not. Recorded as a usage row with
 * `cache_hit = true`, priced by `cacheHitCostMicroUsd`. A corrupt or undecryptable entry is treated as a miss.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { ModelEntry, Price } from "../catalog/types.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { cacheHitCostMicroUsd } from "../services/hot-path/reservation.ts";
import { parseEntry, replayJson, replayStream } from "../services/prompt-cache/cache-entry.ts";
import { decryptEntry } from "../services/prompt-cache/entry-crypto.ts";
import type { Surface } from "../surfaces/types.ts";
import type { RequestFinisher } from "./request-finisher.ts";

export async function serveCachedEntry(options: {
  context: Context<AppEnv>;
  entryText: string;
  cacheKey: string;
  surface: Surface;
  stream: boolean;
  model: ModelEntry;
  price: Price;
  request: ChatCompletionRequest;
  finisher: RequestFinisher;
  headers: Record<string, string>;
}): Promise<Response | null> {
  const { context, surface, model } = options;
  const bytes = await decryptEntry(options.entryText, context.get("apiKey"), options.cacheKey);
  const entry = bytes ? parseEntry(bytes) : null;
  if (!entry) return null;
  options.finisher.finish({
    provider: "cache",
    usage: entry.usage,
    costMicroUsd: cacheHitCostMicroUsd(entry.usage, model, options.price),
    status: "ok",
    httpStatus: 200,
    firstTokenAt: Date.now(),
    cacheHit: true,
  });
  if (!options.stream) return Response.json(replayJson(entry, surface, model.id), { headers: options.headers });
  const encoder = surface.createStreamEncoder({
    includeUsage: options.request.stream_options?.include_usage === true,
    modelId: model.id,
    requestId: context.get("requestId"),
  });
  const parts = replayStream(entry, encoder);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
  return new Response(body, { headers: { ...options.headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}
