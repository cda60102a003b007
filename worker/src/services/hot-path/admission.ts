/**
 * A lease's grant at the edge (edge-lease.ts): one Upstash round trip (the admission script) authenticates the key,
 * applies the fair-use limits, guards the credit, looks up the prompt cache and grants the lease. The script gets every
 * key it touches in KEYS (allow-key-locking), built from the account and key ids of the isolate's key record
 * (edge-key-records.ts); an isolate that does not know the key reads the record first (one read-only script, a replica
 * read on Upstash Global). Postgres is read only on a cold miss of the key record (or of the credit counter), after
 * which the script runs once more with the record to store.
 */
import { GatewayError } from "../../errors.ts";
import {
  describeSpendLimit,
  periodEnd,
  SPEND_COUNTER_TTL_MS,
  SPEND_PERIODS,
  spendBucket,
  spendPeriodOfCode,
} from "../../lib/spend-period.ts";
import { decodeJurisdictions, encodeRecord, type AccountRecord, type AuthenticatedKey } from "./account-record.ts";
import { edgeKeyRecord, edgeKeyRecords, edgeRecordOf, readKeyRecord, type KeyRecordRead } from "./edge-key-records.ts";
import { ADMISSION_SCRIPT } from "./lua-scripts.ts";
import { intArg, runScript } from "./run-script.ts";
import { UpstashCallError, type ReadOnlyScriptClient, type ScriptClient } from "./script-client.ts";
import { admissionKeys, type ScriptAccount } from "./script-keys.ts";

/** How long a revoked key or a plan change can take to reach the edge (the key record's TTL). */
export const KEY_RECORD_TTL_MS = 60_000;
/**
 * An idle credit counter expires after this (every admission renews it); the next request creates it again from
 * Postgres, minus what Redis still holds (docs/credit.md). Longer than a slot, so a reservation never outlives it.
 */
export const CREDIT_COUNTER_TTL_MS = 30 * 60_000;
/** How long an unknown key is remembered as unknown at the edge (no Postgres lookup for it meanwhile). */
export const NEGATIVE_KEY_RECORD_TTL_MS = 10 * 60_000;
/** Cold fills refused because a drain ran during the Postgres read are retried this many times in all. */
const COLD_FILL_TRIES = 3;
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
  /** The minute window of admission (token usage is added to it when the lease is flushed). */
  window: number;
  reservationMicroUsd: number;
  /** The key's spend counter the hold went to ("" = the key has no spend limit); the lease's flushes square it. */
  spendKey: string;
  /** What the grant obtained; null for a request admitted from a lease (edge-lease.ts Ticket). */
  grant: LeaseGrant | null;
}

/** A lease's wants (edge-lease.ts): the script admits several requests at once (lua-scripts.ts). */
export interface LeaseWants {
  slots: number;
  requests: number;
  holdMicroUsd: number;
}

/** What the script granted a lease: requests counted, slots held, credit held (micro-USD). */
export interface LeaseGrant {
  requests: number;
  slots: number;
  holdMicroUsd: number;
}

export interface AdmissionInput {
  redis: ScriptClient & ReadOnlyScriptClient;
  keyHash: string;
  /** The lease id. */
  requestId: string;
  /** Whom failed authentications are counted against: the client's IPv4 address or IPv6 /64 ("" = none). */
  clientIp: string;
  cacheKey: string | null;
  /** The asking request's own reservation (the least hold a lease is granted while the credit allows it). */
  reservationMicroUsd: number;
  checkCredit: boolean;
  lease: LeaseWants;
  /** The key record read the caller just made (edge-key-records.ts), so that it is not read twice. */
  recordRead?: KeyRecordRead;
  /**
   * Fill the key record from Postgres again although Redis still holds it (a background grant, before the record's
   * TTL runs out: edge-lease.ts), so that no request of a key in use finds it gone and waits for the cold fill.
   */
  refill?: boolean;
  loadRecord: () => Promise<AccountRecord | null>;
  /** Keeps the background refresh of a stale key record alive (the request's waitUntil); default: not awaited. */
  waitUntil?: (work: Promise<unknown>) => void;
  now?: number;
}

type ScriptReply = [
  string,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  string,
  string | number,
  string,
  string,
  string,
  string,
  string,
  string?,
  string?,
  string?,
];

export async function admit(input: AdmissionInput): Promise<Admission> {
  const now = input.now ?? Date.now();
  const storeError = (error: unknown) => {
    throw error instanceof UpstashCallError ? unavailable("admission store", error) : error;
  };
  const deps = { scripts: input.redis, waitUntil: input.waitUntil ?? ((work) => void work.catch(() => undefined)) };
  const subject = { clientIp: input.clientIp, now };
  let account: ScriptAccount | null = null;
  const run = (coldRecord: string, coldBalance: string, generation: string) =>
    runScript<ScriptReply>(
      input.redis,
      ADMISSION_SCRIPT,
      admissionKeys({
        ...subject,
        keyHash: input.keyHash,
        account,
        cacheKey: input.cacheKey,
        filling: coldRecord !== "",
      }),
      [
        intArg(now),
        input.requestId,
        input.keyHash,
        input.clientIp,
        input.cacheKey ?? "",
        intArg(input.lease.holdMicroUsd),
        coldRecord,
        coldBalance,
        input.checkCredit ? "1" : "0",
        intArg(SLOT_TTL_MS),
        intArg(KEY_RECORD_TTL_MS),
        intArg(CREDIT_COUNTER_TTL_MS),
        intArg(FAILED_AUTH_LIMIT),
        generation,
        intArg(NEGATIVE_KEY_RECORD_TTL_MS),
        ...SPEND_PERIODS.map((period) => spendBucket(period, now)),
        ...SPEND_PERIODS.map((period) => intArg(SPEND_COUNTER_TTL_MS[period])),
        account?.userId ?? "",
        intArg(input.lease.slots),
        intArg(input.lease.requests),
        intArg(input.reservationMicroUsd),
      ],
    ).catch(storeError);
  let read: KeyRecordRead | null = input.recordRead ?? null;
  const known = input.recordRead
    ? input.recordRead.entry
    : await edgeKeyRecord(deps, input.keyHash, subject, (fresh) => (read = fresh)).catch(storeError);
  account = known?.kind === "key" ? known.record : null;
  // Redis holds no record: Postgres next, unless the subject is throttled (the script's own check, from the read).
  let reply =
    input.refill && known?.kind === "key"
      ? withoutRecord(null, "", now)
      : known
        ? await run("", "", "")
        : withoutRecord(read, input.clientIp, now);
  // The primary knows better than this isolate (or its replica read): run again with what the script found.
  for (let round = 0; (reply[0] === "stale" || reply[0] === "recheck") && round < 2; round += 1) {
    edgeKeyRecords.forget(input.keyHash);
    if (reply[0] === "recheck") edgeKeyRecords.put(input.keyHash, { kind: "unknown" });
    account = reply[0] === "stale" ? { userId: reply[1], keyId: reply[2] } : null;
    reply = await run("", "", "");
  }
  if (reply[0] === "cold" && reply[13] === "") {
    // A fill needs the drain generation seen before its Postgres read; a replica's may be older, which the fill
    // detects on the primary (it then answers "cold" with the current one and is tried again).
    reply[13] = (await readKeyRecord(input.redis, input.keyHash, subject).catch(storeError)).generation;
  }
  // Cold: the key record or the credit counter is missing. Read Postgres, then fill; a fill is refused (and tried
  // again) when a usage drain ran in between, as the balance read could then miss that drain's usage.
  let filled: AccountRecord | null = null;
  for (let tries = 0; reply[0] === "cold" && tries < COLD_FILL_TRIES; tries += 1) {
    const generation = reply[13];
    const record = await input.loadRecord().catch((error: unknown) => {
      throw unavailable("account database", error);
    });
    // An unknown key is filled as such in the identity layout; a known one with every key of its account.
    account = record ? { userId: record.userId, keyId: record.keyId } : null;
    filled = record;
    reply = await run(encodeRecord(record), record ? intArg(record.balanceMicroUsd) : "", generation);
  }
  // What the script saw in Redis is what this isolate now knows of the key.
  if (reply[0] === "invalid") edgeKeyRecords.put(input.keyHash, { kind: "unknown" });
  else if (filled && reply[0] !== "cold")
    edgeKeyRecords.put(input.keyHash, {
      kind: "key",
      record: { ...edgeRecordOf(filled), storedUntilMs: now + KEY_RECORD_TTL_MS },
    });
  const [
    status,
    userId,
    keyId,
    plan,
    jurisdictions,
    limitRequests,
    remainingRequests,
    resetMs,
    limitTokens,
    remainingTokens,
    cached,
    ,
    promptCache,
    ,
    spendKey,
    spendLimit,
    spendPeriodCode,
    grantedRequests,
    grantedSlots,
    grantedHold,
  ] = reply;
  const rateLimit: RateLimitState = {
    limitRequests: Number(limitRequests),
    remainingRequests: Math.max(0, Number(remainingRequests)),
    limitTokens: Number(limitTokens),
    remainingTokens: Math.max(0, Number(remainingTokens)),
    resetMs: Number(resetMs),
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
        // A cache hit reserves too: its settlement squares the reservation with the hit's price.
        reservationMicroUsd: input.checkCredit ? input.reservationMicroUsd : 0,
        spendKey: spendKey ?? "",
        grant: {
          requests: Number(grantedRequests ?? 0),
          slots: Number(grantedSlots ?? 0),
          holdMicroUsd: Number(grantedHold ?? 0),
        },
      };
    case "cold":
      // Still cold after every try: a drain landed during each Postgres read (rare); the client retries shortly.
      throw new GatewayError("service_unavailable", "The account's credit state is being updated; retry in a second.", {
        headers: { "retry-after": "1" },
      });
    case "invalid":
      throw new GatewayError(
        "invalid_api_key",
        "Invalid API key. Keys start with 'sk-omni-'; check it or create a new one.",
      );
    case "blocked":
      throw new GatewayError(
        "auth_throttled",
        "Too many failed authentication attempts from this address; retry later.",
        {
          headers: { "retry-after": retryAfter },
        },
      );
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
      throw new GatewayError(
        "too_many_concurrent_requests",
        "Too many requests in flight at once for this plan or key; retry when one finishes.",
        {
          headers: { "retry-after": "1", ...rateLimitHeaders(rateLimit) },
        },
      );
    case "expired":
      throw new GatewayError(
        "invalid_api_key",
        "This API key has expired. Create a new key or extend it in the dashboard.",
      );
    case "key_spend":
      throw keySpendLimitReached(Number(spendLimit), spendPeriodOfCode(spendPeriodCode ?? "") ?? "none", now);
    case "credit":
      throw new GatewayError(
        "insufficient_credit",
        "Your prepaid credit is used up. Top up or subscribe in the dashboard to continue.",
      );
    default:
      throw new GatewayError("internal_error", "Admission failed.");
  }
}

/** The script's reply for a key Redis holds no record of: "blocked" for a throttled subject, else "cold". */
function withoutRecord(read: KeyRecordRead | null, clientIp: string, now: number): ScriptReply {
  const resetMs = (Math.floor(now / 60_000) + 1) * 60_000 - now;
  const blocked = clientIp !== "" && (read?.recentFailures ?? 0) >= FAILED_AUTH_LIMIT;
  return [
    blocked ? "blocked" : "cold",
    "",
    "",
    "",
    "",
    0,
    0,
    resetMs,
    0,
    0,
    "",
    "",
    "",
    read?.generation ?? "",
    "",
    "0",
    "",
  ];
}

/** 402 naming the key's limit and when it resets (the account's credit may be fine: the message says which). */
function keySpendLimitReached(
  limitMicroUsd: number,
  period: (typeof SPEND_PERIODS)[number],
  now: number,
): GatewayError {
  const resets = periodEnd(period, now);
  return new GatewayError(
    "insufficient_credit",
    `This API key's spend limit of ${describeSpendLimit(limitMicroUsd, period)} is reached` +
      (resets ? `; it resets at ${resets.toISOString()}.` : ".") +
      " Raise the key's limit in the dashboard or use another key.",
    { param: "spend_limit" },
  );
}

/**
 * Fails closed: without the admission store (or, for a key not cached at the edge, the account database) nothing is
 * admitted, and the caller is told to retry shortly. The cause (an UpstashCallError or a driver error) is kept for
 * the error report; the message names only which store.
 */
function unavailable(store: "admission store" | "account database", cause: unknown): GatewayError {
  return new GatewayError(
    "service_unavailable",
    `The gateway cannot reach its ${store} right now; nothing was charged. Retry in a few seconds.`,
    {
      headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
      cause,
    },
  );
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
