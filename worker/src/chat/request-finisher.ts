/**
 * Finishes an admitted request exactly once, on every path, after the response (through `waitUntil`), into its edge
 * lease (../services/hot-path/edge-lease.ts), which flushes it with others in one Upstash round trip: slot released,
 * credit squared with the real cost, tokens counted, the encrypted cache entry stored, and the usage record queued for
 * the usage drain; if Upstash cannot be reached, the usage records are written to Postgres directly
 * (../services/hot-path/durable-settlement.ts). Failures are logged with ids only.
 */
import type { NormalizedUsage } from "../lib/usage.ts";
import { serializeEntry, type CacheEntry } from "../services/prompt-cache/cache-entry.ts";
import { encryptEntry } from "../services/prompt-cache/entry-crypto.ts";
import { buildQueuedUsage, type ApiType, type QueuedUsage, type RequestRecord } from "../services/request-recorder.ts";
import type { Surface } from "../surfaces/types.ts";
import type { AdmittedRequest } from "./admission.ts";
import type { ChatScope } from "./chat-scope.ts";

export type Outcome = Omit<RequestRecord, "modelId" | "stream" | "priceVersion" | "cacheHit" | "apiType"> & {
  cacheHit?: boolean;
};

const API_TYPES = {
  openai: "chat",
  anthropic: "messages",
  responses: "responses",
} as const satisfies Record<Surface["name"], ApiType>;

/** The usage row's `api_type` for a surface: `chat`, `messages` or `responses`. */
export const apiTypeOf = (surface: Pick<Surface, "name">): ApiType => API_TYPES[surface.name];

export interface RequestFinisher {
  /** Records the outcome and settles; `cache` stores a complete answer. Later calls do nothing. */
  finish(outcome: Outcome, cache?: { key: string; entry: CacheEntry }): void;
  /** Settles a request that failed before any upstream answer (no usage row): releases its slot and reservation. */
  fail(httpStatus: number): void;
  /** The model now tried (a fallback model of the request's `models`): the usage row names it and its price. */
  setModel(modelId: string, priceVersion: string): void;
}

const totalTokens = (usage: NormalizedUsage) => usage.inputUncached + usage.cacheRead + usage.cacheWrite + usage.output;

export function createRequestFinisher(
  scope: ChatScope,
  admission: AdmittedRequest,
  initial: { modelId: string; stream: boolean; priceVersion: string; apiType: ApiType },
): RequestFinisher {
  let finished = false;
  const fixed = { ...initial };
  const { requestId } = scope.meta;

  const settleInBackground = (
    costMicroUsd: number,
    tokens: number,
    usage?: () => QueuedUsage,
    cache?: { key: string; entry: CacheEntry },
  ) => {
    const work = async () => {
      // A macrotask first: the response is handed to the runtime before any of this runs, so serializing,
      // encrypting and the settlement call add nothing to the client's latency.
      await new Promise((resolve) => setTimeout(resolve, 0));
      // A cache entry that fails to encrypt is not stored; the request is settled and billed all the same.
      const encrypted = cache
        ? await encryptEntry(serializeEntry(cache.entry), scope.apiKey, cache.key).then(
            (entry) => ({ key: cache.key, entry }),
            () => undefined,
          )
        : undefined;
      // Into the request's lease: flushed with others after the response (services/hot-path/edge-lease.ts).
      admission.ticket.finish({
        costMicroUsd,
        tokens,
        ...(encrypted ? { cache: encrypted } : {}),
        ...(usage ? { usage: usage() } : {}),
      });
    };
    scope.waitUntil(
      work().catch((error: unknown) => {
        console.error(
          JSON.stringify({
            event: "settlement-crashed",
            requestId,
            error: error instanceof Error ? error.name : "unknown",
          }),
        );
      }),
    );
  };

  return {
    finish(outcome, cache) {
      if (finished) return;
      finished = true;
      const endedAt = Date.now();
      const record = { ...fixed, cacheHit: false, ...outcome };
      const usage = () => buildQueuedUsage(scope.meta, admission.auth, record, endedAt);
      settleInBackground(outcome.costMicroUsd, outcome.cacheHit ? 0 : totalTokens(outcome.usage), usage, cache);
    },
    fail() {
      if (finished) return;
      finished = true;
      settleInBackground(0, 0);
    },
    setModel(modelId, priceVersion) {
      fixed.modelId = modelId;
      fixed.priceVersion = priceVersion;
    },
  };
}
