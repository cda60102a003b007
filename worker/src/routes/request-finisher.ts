/**
 * Finishes an admitted request exactly once, on every path, in one Upstash round trip after the response (through
 * `waitUntil`): slots released, credit reservation squared with the real cost, tokens counted, the encrypted cache
 * entry stored, and the usage record queued for the usage drain. Failures are logged with ids only.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { NormalizedUsage } from "../providers/types.ts";
import type { Admission } from "../services/hot-path/admission.ts";
import { settle } from "../services/hot-path/settlement.ts";
import { serializeEntry, type CacheEntry } from "../services/prompt-cache/cache-entry.ts";
import { encryptEntry } from "../services/prompt-cache/entry-crypto.ts";
import { createScriptClient } from "../services/hot-path/script-client.ts";
import { buildQueuedUsage, type QueuedUsage, type RequestRecord } from "../services/request-recorder.ts";

export type Outcome = Omit<RequestRecord, "modelId" | "stream" | "priceVersion" | "cacheHit"> & { cacheHit?: boolean };

export interface RequestFinisher {
  /** Records the outcome and settles; `cache` stores a complete answer. Later calls do nothing. */
  finish(outcome: Outcome, cache?: { key: string; entry: CacheEntry }): void;
  /** Settles a request that failed before any upstream answer (no usage row): releases its slot and reservation. */
  fail(httpStatus: number): void;
}

const totalTokens = (usage: NormalizedUsage) => usage.inputUncached + usage.cacheRead + usage.cacheWrite + usage.output;

export function createRequestFinisher(
  context: Context<AppEnv>,
  admission: Admission,
  fixed: { modelId: string; stream: boolean; priceVersion: string },
): RequestFinisher {
  let finished = false;
  const requestId = context.get("requestId");
  const apiKey = context.get("apiKey");
  const redis = createScriptClient(context.get("config"));

  const settleInBackground = (costMicroUsd: number, tokens: number, usage?: () => QueuedUsage, cache?: { key: string; entry: CacheEntry }) => {
    const work = async () => {
      // A macrotask first: the response is handed to the runtime before any of this runs, so serializing,
      // encrypting and the settlement call add nothing to the client's latency.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const encrypted = cache ? { key: cache.key, entry: await encryptEntry(serializeEntry(cache.entry), apiKey, cache.key) } : undefined;
      await settle(redis, {
        requestId,
        userId: admission.auth.userId,
        keyId: admission.auth.keyId,
        creditDeltaMicroUsd: admission.reservationMicroUsd - costMicroUsd,
        tokens,
        window: admission.window,
        ...(encrypted ? { cache: encrypted } : {}),
        ...(usage ? { usage: usage() } : {}),
      });
    };
    context.executionCtx.waitUntil(
      work().catch((error: unknown) => {
        console.error(JSON.stringify({ event: "settlement-failed", requestId, error: error instanceof Error ? error.name : "unknown" }));
      }),
    );
  };

  return {
    finish(outcome, cache) {
      if (finished) return;
      finished = true;
      const endedAt = Date.now();
      const usage = () => buildQueuedUsage(context, { ...fixed, cacheHit: false, ...outcome }, endedAt);
      settleInBackground(outcome.costMicroUsd, outcome.cacheHit ? 0 : totalTokens(outcome.usage), usage, cache);
    },
    fail() {
      if (finished) return;
      finished = true;
      settleInBackground(0, 0);
    },
  };
}
