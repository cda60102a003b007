/**
 * Admission of a request at the edge: one Upstash round trip (the admission script) authenticates the key, applies
 * the fair-use limits, guards the credit and looks up the prompt cache. Postgres is read only on a cold miss of the
 * key record (or of the credit counter), after which the script runs once more with the record to store.
 */
import { GatewayError } from "../../errors.ts";
import { decodeJurisdictions, encodeRecord, type AccountRecord, type AuthenticatedKey } from "./account-record.ts";
import { ADMISSION_SCRIPT } from "./admission-script.ts";
import { runScript } from "./run-script.ts";
import { UpstashCallError, type ScriptClient } from "./script-client.ts";

/** How long a revoked key or a plan change can take to reach the edge (the key record's TTL). */
export const KEY_RECORD_TTL_MS = 60_000;
/** The Redis credit counter is reloaded from Postgres (the source of truth) at least this often. */
export const CREDIT_COUNTER_TTL_MS = 300_000;
/** A concurrency slot a crashed worker never released is reclaimed after this. */
export const SLOT_TTL_MS = 15 * 60_000;
/** Failed authentications per IP within the current and the previous minute before the IP is throttled. */
export const FAILED_AUTH_LIMIT = 30;
/** `Retry-After` (seconds) when admission cannot reach Upstash, or Postgres on a cold key record. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export interface RateLimitState {
  limitRequests: number;
  remainingRequests: number;
  limitTokens: number;
  remainingTokens: number;
  resetMs: number;
}

export interface Admission {
  auth: AuthenticatedKey;
  rateLimit: RateLimitState;
  /** The encrypted prompt-cache entry, when the lookup hit. */
  cachedEntry: string | null;
  /** The account's prompt-cache setting. */
  promptCacheEnabled: boolean;
  /** The minute window of admission (token usage is added to it at settlement). */
  window: number;
  reservationMicroUsd: number;
}

export interface AdmissionInput {
  redis: ScriptClient;
  keyHash: string;
  requestId: string;
  clientIp: string;
  cacheKey: string | null;
  reservationMicroUsd: number;
  checkCredit: boolean;
  loadRecord: () => Promise<AccountRecord | null>;
  now?: number;
}

type ScriptReply = [string, string, string, string, string, number, number, number, number, number, string, string | number, string];

export async function admit(input: AdmissionInput): Promise<Admission> {
  const now = input.now ?? Date.now();
  const run = (coldRecord: string, coldBalance: string) =>
    runScript<ScriptReply>(input.redis, ADMISSION_SCRIPT, [], [
      String(now), input.requestId, input.keyHash, input.clientIp, input.cacheKey ?? "",
      String(input.reservationMicroUsd), coldRecord, coldBalance, input.checkCredit ? "1" : "0",
      String(SLOT_TTL_MS), String(KEY_RECORD_TTL_MS), String(CREDIT_COUNTER_TTL_MS), String(FAILED_AUTH_LIMIT),
    ]).catch((error: unknown) => {
      throw error instanceof UpstashCallError ? unavailable("admission store", error) : error;
    });
  let reply = await run("", "");
  if (reply[0] === "cold") {
    const record = await input.loadRecord().catch((error: unknown) => {
      throw unavailable("account database", error);
    });
    reply = await run(encodeRecord(record), record ? String(record.balanceMicroUsd) : "");
  }
  const [status, userId, keyId, plan, jurisdictions, limitRequests, remainingRequests, resetMs, limitTokens, remainingTokens, cached, , promptCache] = reply;
  const rateLimit: RateLimitState = {
    limitRequests: Number(limitRequests), remainingRequests: Math.max(0, Number(remainingRequests)),
    limitTokens: Number(limitTokens), remainingTokens: Math.max(0, Number(remainingTokens)), resetMs: Number(resetMs),
  };
  const retryAfter = String(Math.max(1, Math.ceil(rateLimit.resetMs / 1000)));
  switch (status) {
    case "ok":
      return {
        auth: { userId, keyId, plan, allowedJurisdictions: decodeJurisdictions(jurisdictions) },
        rateLimit,
        cachedEntry: cached === "" ? null : cached,
        promptCacheEnabled: promptCache === "1",
        window: Math.floor(now / 60_000),
        reservationMicroUsd: cached === "" && input.checkCredit ? input.reservationMicroUsd : 0,
      };
    case "invalid":
    case "cold":
      throw new GatewayError("invalid_api_key", "Invalid API key. Keys start with 'sk-omni-'; check it or create a new one.");
    case "blocked":
      throw new GatewayError("auth_throttled", "Too many failed authentication attempts from this address; retry later.", {
        headers: { "retry-after": retryAfter },
      });
    case "rate_requests":
    case "rate_tokens":
      throw new GatewayError(
        "rate_limited",
        status === "rate_requests"
          ? `Rate limit reached: ${rateLimit.limitRequests} requests per minute on this plan or key.`
          : `Rate limit reached: ${rateLimit.limitTokens} tokens per minute on this plan or key.`,
        { headers: { "retry-after": retryAfter, ...rateLimitHeaders(rateLimit) } },
      );
    case "concurrency":
      throw new GatewayError("too_many_concurrent_requests", "Too many requests in flight at once for this plan or key; retry when one finishes.", {
        headers: { "retry-after": "1", ...rateLimitHeaders(rateLimit) },
      });
    case "credit":
      throw new GatewayError("insufficient_credit", "Your prepaid credit is used up. Top up or subscribe in the dashboard to continue.");
    default:
      throw new GatewayError("internal_error", "Admission failed.");
  }
}

/**
 * Fails closed: without the admission store (or, for a key not cached at the edge, the account database) nothing is
 * admitted, and the caller is told to retry shortly. The cause (an UpstashCallError or a driver error) is kept for
 * the error report; the message names only which store.
 */
function unavailable(store: "admission store" | "account database", cause: unknown): GatewayError {
  return new GatewayError("service_unavailable", `The gateway cannot reach its ${store} right now; nothing was charged. Retry in a few seconds.`, {
    headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    cause,
  });
}

/** OpenAI's rate-limit headers. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const reset = `${Math.max(0, Math.ceil(state.resetMs / 1000))}s`;
  return {
    "x-ratelimit-limit-requests": String(state.limitRequests),
    "x-ratelimit-remaining-requests": String(state.remainingRequests),
    "x-ratelimit-reset-requests": reset,
    "x-ratelimit-limit-tokens": String(state.limitTokens),
    "x-ratelimit-remaining-tokens": String(state.remainingTokens),
    "x-ratelimit-reset-tokens": reset,
  };
}
