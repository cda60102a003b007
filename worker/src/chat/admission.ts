/**
 * Prepares the prompt-cache key (unless the request or account opts out) and admits the request in one Upstash
 * round trip (services/hot-path/admission.ts).
 */
import { throttleSubject } from "../lib/throttle-subject.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { loadAccountRecord } from "../services/hot-path/account-record.ts";
import { admit, type Admission } from "../services/hot-path/admission.ts";
import { settleDurably } from "../services/hot-path/durable-settlement.ts";
import { cacheKey } from "../services/prompt-cache/cache-key.ts";
import { canonicalJson, canonicalRequest, isCacheable } from "../services/prompt-cache/canonical-request.ts";
import { cacheScope } from "../services/prompt-cache/end-user-scope.ts";
import type { Surface } from "../surfaces/types.ts";
import type { ChatScope } from "./chat-scope.ts";
import { settlementPorts } from "./settlement-ports.ts";

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

/** Runs the admission script for this request (also for `/v1/embeddings`, which has no prompt cache). */
export function admitRequest(
  scope: ChatScope,
  options: { cacheKey: string | null; reservationMicroUsd: number; checkCredit: boolean },
): Promise<Admission> {
  return admit({
    redis: scope.services.scripts,
    keyHash: scope.keyHash,
    requestId: scope.meta.requestId,
    clientIp: throttleSubject(scope.meta.ip ?? undefined),
    ...options,
    waitUntil: scope.waitUntil,
    // A cold key record or credit counter is filled from Postgres, over the request's pool.
    loadRecord: () => loadAccountRecord(scope.services.database(), scope.keyHash),
  });
}

/**
 * Admission for requests that call no model (e.g. token counting): key, rate limits and IP throttle, without the
 * credit guard or the cache; its concurrency slot is released right after, in the background.
 */
export async function admitWithoutCompletion(scope: ChatScope): Promise<Admission> {
  const admission = await admitRequest(scope, { cacheKey: null, reservationMicroUsd: 0, checkCredit: false });
  scope.waitUntil(
    settleDurably(settlementPorts(scope), {
      requestId: scope.meta.requestId,
      userId: admission.auth.userId,
      keyId: admission.auth.keyId,
      creditDeltaMicroUsd: 0,
      tokens: 0,
      window: admission.window,
    }),
  );
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
): Promise<{ admission: Admission; cache: CachePlan }> {
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
 * Admits a request whose cache hit could not be served (the entry failed to decrypt) as a miss: the same request id
 * without the lookup, so it takes a concurrency slot; the script counts and reserves the request only once.
 */
export function readmitAsMiss(scope: ChatScope, reservation: number): Promise<Admission> {
  return admitRequest(scope, { cacheKey: null, reservationMicroUsd: reservation, checkCredit: true });
}
