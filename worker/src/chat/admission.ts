/**
 * Prepares the prompt-cache key (unless the request or account opts out) and admits the request: from this isolate's
 * lease on the key when it holds one (no Upstash round trip; a replica read for the prompt cache), else through a
 * grant on the primary (services/hot-path/edge-lease.ts, admission.ts).
 */
import { lazyModule } from "../lib/lazy-module.ts";
import { throttleSubject } from "../lib/throttle-subject.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import type { Admission } from "../services/hot-path/admission.ts";
import { admitFromLease, type Ticket } from "../services/hot-path/edge-lease.ts";
import { cacheKey } from "../services/prompt-cache/cache-key.ts";
import { canonicalJson, canonicalRequest, isCacheable } from "../services/prompt-cache/canonical-request.ts";
import { cacheScope } from "../services/prompt-cache/end-user-scope.ts";
import type { Surface } from "../surfaces/types.ts";
import type { ChatScope } from "./chat-scope.ts";
import { settlementPorts } from "./settlement-ports.ts";

/** Postgres's part of a cold key record's fill, imported on first use (docs/cold-start.md). */
const recordLoader = lazyModule(() => import("../services/hot-path/load-account-record.ts"));

export interface CachePlan {
  /** The `x-omnizen-cache` response header. */
  status: "HIT" | "MISS" | "BYPASS";
  /** The entry's Redis key, when this request may read and write the cache. */
  key: string | null;
}

/** `Cache-Control: no-store` or `x-omnizen-cache: bypass` opt a single request out. */
function optedOut(headers: Headers): boolean {
  return (
    /(^|,)\s*no-store\s*(,|$)/i.test(headers.get("cache-control") ?? "") ||
    headers.get("x-omnizen-cache")?.toLowerCase() === "bypass"
  );
}

/** An admitted request, with the ticket it finishes exactly once (request-finisher.ts). */
export interface AdmittedRequest extends Admission {
  ticket: Ticket;
}

/** Admits this request (also for `/v1/embeddings`, which has no prompt cache). */
export async function admitRequest(
  scope: ChatScope,
  options: { cacheKey: string | null; reservationMicroUsd: number; checkCredit: boolean; needsSlot?: boolean },
): Promise<AdmittedRequest> {
  const ticket = await admitFromLease({
    redis: scope.services.scripts,
    keyHash: scope.keyHash,
    requestId: scope.meta.requestId,
    clientIp: throttleSubject(scope.meta.ip ?? undefined),
    cacheKey: options.cacheKey,
    reservationMicroUsd: options.reservationMicroUsd,
    checkCredit: options.checkCredit,
    needsSlot: options.needsSlot ?? true,
    quietMs: scope.config.EDGE_LEASE_QUIET_MS,
    ports: settlementPorts(scope),
    waitUntil: scope.waitUntil,
    // A cold key record or credit counter is filled from Postgres, over the request's pool.
    loadRecord: async () => {
      const { loadAccountRecord } = recordLoader.loaded ?? (await recordLoader.load());
      return loadAccountRecord(await scope.services.openDatabase(), scope.keyHash);
    },
  });
  return { ...ticket.admission, ticket };
}

/**
 * Admission for requests that call no model (e.g. token counting): key, rate limits and IP throttle, without the
 * credit guard, the cache or a concurrency slot; finished at once.
 */
export async function admitWithoutCompletion(scope: ChatScope): Promise<Admission> {
  const admission = await admitRequest(scope, {
    cacheKey: null,
    reservationMicroUsd: 0,
    checkCredit: false,
    needsSlot: false,
  });
  admission.ticket.finish({ costMicroUsd: 0, tokens: 0 });
  return admission;
}

/**
 * Runs the steps before admission (reading, bounding, validating and converting the body; finding the model). If one
 * fails, the key is authenticated first (the auth-only admission, one round trip) and only then is the failure
 * reported: an unknown key gets its 401 whatever its body, and learns nothing from it. A good request never pays
 * for this: it goes on to the single admission round trip.
 */
export async function beforeAdmission<Result>(
  scope: ChatScope,
  work: () => Result | Promise<Result>,
): Promise<Awaited<Result>> {
  try {
    return await work();
  } catch (error) {
    await admitWithoutCompletion(scope);
    throw error;
  }
}

export async function admitChat(
  scope: ChatScope,
  request: ChatCompletionRequest,
  surface: Surface,
  reservation: number,
  /** The client's own body when it may be forwarded natively: fields the conversion drops still change the key. */
  nativeBody?: unknown,
  /** The routing preferences (services/routing/routing-preferences.ts `preferencesKey`): they choose the model. */
  routingKey?: unknown,
): Promise<{ admission: AdmittedRequest; cache: CachePlan }> {
  const secret = scope.config.PROMPT_CACHE_SECRET;
  const key =
    secret && !optedOut(scope.headers) && isCacheable(request)
      ? await cacheKey({
          secret,
          // Per key, and per end user when the request names one (user, safety_identifier, metadata.user_id).
          scope: cacheScope(scope.keyHash, request),
          canonical:
            canonicalRequest(request, surface.name) +
            (nativeBody === undefined ? "" : `\n${canonicalJson(nativeBody)}`) +
            (routingKey === undefined ? "" : `\nrouting:${canonicalJson(routingKey)}`),
        })
      : null;
  const admission = await admitRequest(scope, { cacheKey: key, reservationMicroUsd: reservation, checkCredit: true });
  if (!key || !admission.promptCacheEnabled) return { admission, cache: { status: "BYPASS", key: null } };
  return { admission, cache: { status: admission.cachedEntry ? "HIT" : "MISS", key } };
}

/**
 * Turns a request whose cache hit could not be served (the entry failed to decrypt) into a miss: it takes a
 * concurrency slot; it stays counted and reserved once.
 */
export async function readmitAsMiss(admission: AdmittedRequest): Promise<AdmittedRequest> {
  await admission.ticket.takeSlot();
  return { ...admission, cachedEntry: null };
}
