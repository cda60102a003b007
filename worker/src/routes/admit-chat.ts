/**
 * Prepares the prompt-cache key (unless the request or account opts out) and admits the request in one Upstash
 * round trip. Sets `auth` on the context.
 */
import type { Context } from "hono";
import { createDb } from "../../../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { throttleSubject } from "../lib/throttle-subject.ts";
import { loadAccountRecord } from "../services/hot-path/account-record.ts";
import { admit, type Admission } from "../services/hot-path/admission.ts";
import { cacheKey } from "../services/prompt-cache/cache-key.ts";
import { canonicalJson, canonicalRequest, isCacheable } from "../services/prompt-cache/canonical-request.ts";
import { cacheScope } from "../services/prompt-cache/end-user-scope.ts";
import { settleDurably } from "../services/hot-path/durable-settlement.ts";
import { createScriptClient } from "../services/hot-path/script-client.ts";
import type { Surface } from "../surfaces/types.ts";
import { settlementPorts } from "./settlement-ports.ts";

export interface CachePlan {
  /** The `x-omnizen-cache` response header. */
  status: "HIT" | "MISS" | "BYPASS";
  /** The entry's Redis key, when this request may read and write the cache. */
  key: string | null;
}

/** `Cache-Control: no-store` or `x-omnizen-cache: bypass` opt a single request out. */
function optedOut(headers: Headers): boolean {
  return /(^|,)\s*no-store\s*(,|$)/i.test(headers.get("cache-control") ?? "") || headers.get("x-omnizen-cache")?.toLowerCase() === "bypass";
}

function loadRecordFor(context: Context<AppEnv>) {
  const config = context.get("config");
  return async () => {
    const { db, pool } = createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
    try {
      return await loadAccountRecord(db, context.get("keyHash"));
    } finally {
      context.executionCtx.waitUntil(pool.end());
    }
  };
}

/** Runs the admission script for this request and sets `auth` on the context. */
async function admitRequest(
  context: Context<AppEnv>,
  options: { cacheKey: string | null; reservationMicroUsd: number; checkCredit: boolean },
): Promise<Admission> {
  const admission = await admit({
    redis: createScriptClient(context.get("config")),
    keyHash: context.get("keyHash"),
    requestId: context.get("requestId"),
    clientIp: throttleSubject(context.req.header("cf-connecting-ip")),
    ...options,
    loadRecord: loadRecordFor(context),
  });
  context.set("auth", admission.auth);
  return admission;
}

/**
 * Admission for requests that call no model (e.g. token counting): key, rate limits and IP throttle, without the
 * credit guard or the cache; its concurrency slot is released right after, in the background.
 */
export async function admitWithoutCompletion(context: Context<AppEnv>): Promise<Admission> {
  const admission = await admitRequest(context, { cacheKey: null, reservationMicroUsd: 0, checkCredit: false });
  context.executionCtx.waitUntil(
    settleDurably(settlementPorts(context), {
      requestId: context.get("requestId"), userId: admission.auth.userId, keyId: admission.auth.keyId, creditDeltaMicroUsd: 0, tokens: 0, window: admission.window,
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
export async function beforeAdmission<Result>(context: Context<AppEnv>, work: () => Result | Promise<Result>): Promise<Awaited<Result>> {
  try {
    return await work();
  } catch (error) {
    await admitWithoutCompletion(context);
    throw error;
  }
}

export async function admitChat(
  context: Context<AppEnv>,
  request: ChatCompletionRequest,
  surface: Surface,
  reservation: number,
  /** The client's own body when it may be forwarded natively: fields the conversion drops still change the key. */
  nativeBody?: unknown,
): Promise<{ admission: Admission; cache: CachePlan }> {
  const config = context.get("config");
  const keyHash = context.get("keyHash");
  const secret = config.PROMPT_CACHE_SECRET;
  const key =
    secret && !optedOut(context.req.raw.headers) && isCacheable(request)
      ? await cacheKey({
          secret,
          // Per key, and per end user when the request names one (user, safety_identifier, metadata.user_id).
          scope: cacheScope(keyHash, request),
          canonical: canonicalRequest(request, surface.name) + (nativeBody === undefined ? "" : `\n${canonicalJson(nativeBody)}`),
        })
      : null;
  const admission = await admitRequest(context, { cacheKey: key, reservationMicroUsd: reservation, checkCredit: true });
  if (!key || !admission.promptCacheEnabled) return { admission, cache: { status: "BYPASS", key: null } };
  return { admission, cache: { status: admission.cachedEntry ? "HIT" : "MISS", key } };
}

/**
 * Admits a request whose cache hit could not be served (the entry failed to decrypt) as a miss: the same request id
 * without the lookup, so it takes a concurrency slot; the script counts and reserves the request only once.
 */
export function readmitAsMiss(context: Context<AppEnv>, reservation: number): Promise<Admission> {
  return admitRequest(context, { cacheKey: null, reservationMicroUsd: reservation, checkCredit: true });
}
