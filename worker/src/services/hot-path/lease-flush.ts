/**
 * One flush of a lease (edge-lease.ts): the settlements of some of its finished requests, applied in Upstash in one
 * round trip (LEASE_FLUSH_SCRIPT, lua-scripts.ts), and, when final, the lease given back. The script is applied at
 * most once per (lease, flush number), so a try whose reply was lost is not applied twice; callers go through
 * ./durable-settlement.ts, which writes the usage records to Postgres directly when every try fails.
 */
import { summaryHour } from "../prompt-cache/cache-summary.ts";
import type { QueuedUsage } from "../request-recorder.ts";
import { SLOT_TTL_MS } from "./admission.ts";
import { LEASE_FLUSH_SCRIPT } from "./lua-scripts.ts";
import { intArg, runScript } from "./run-script.ts";
import { UpstashCallError, type ScriptClient } from "./script-client.ts";
import { leaseFlushKeys, type LeaseFlushKeyInput } from "./script-keys.ts";

/** Policy 4.2 and 6: prompt-cache entries live exactly one hour. */
export const PROMPT_CACHE_TTL_SECONDS = 3600;

/** Delays before the second and third try of a flush whose call failed (network error or 5xx). */
export const FLUSH_RETRY_DELAYS_MS = [50, 250];

/** What one flush settles, and for which lease. */
export interface LeaseFlush extends Omit<LeaseFlushKeyInput, "cacheKeys" | "summaryHour"> {
  /** Whether the key has its own request or concurrency limit (its windows and slots are given back too). */
  keyLimited: boolean;
  /** Gives back the rest of the hold and the unused requests. */
  final: boolean;
  costMicroUsd: number;
  tokens: number;
  /** Requests granted and not used (final flush only). */
  unusedRequests: number;
  /** Slot numbers (`<lease>#i`) to release. */
  releaseSlots: readonly number[];
  usage: readonly QueuedUsage[];
  cache: readonly { key: string; entry: string }[];
  /** The hour of the account's cache summary the flush marks (cache-summary.ts; default: the hour of `now`). */
  summaryHour?: number;
}

/** KEYS and ARGV of LEASE_FLUSH_SCRIPT for `flush` (the layout lua-scripts.ts documents). */
export function leaseFlushCall(flush: LeaseFlush, now = Date.now()): { keys: string[]; args: string[] } {
  const keys = leaseFlushKeys({
    ...flush,
    cacheKeys: flush.cache.map((item) => item.key),
    summaryHour: flush.summaryHour ?? summaryHour(now),
  });
  const args = [
    flush.leaseId,
    flush.final ? "1" : "0",
    intArg(flush.costMicroUsd),
    intArg(flush.tokens),
    intArg(flush.final ? flush.unusedRequests : 0),
    flush.releaseSlots.join(" "),
    flush.spendKey ? "1" : "0",
    intArg(PROMPT_CACHE_TTL_SECONDS),
    intArg(flush.usage.length),
    intArg(flush.usage.reduce((sum, record) => sum + record.cost_micro_usd, 0)),
    intArg(now + SLOT_TTL_MS),
    flush.keyLimited ? "1" : "0",
    ...flush.usage.map((record) => JSON.stringify(record)),
    ...flush.cache.map((item) => item.entry),
  ];
  return { keys, args };
}

/** Runs the flush, again after FLUSH_RETRY_DELAYS_MS on a network error or a 5xx; 1 when applied, 0 when not. */
export function runLeaseFlush(redis: ScriptClient, flush: LeaseFlush): Promise<number> {
  const { keys, args } = leaseFlushCall(flush);
  return retryTransient(() => runScript<number>(redis, LEASE_FLUSH_SCRIPT, keys, args));
}

async function retryTransient<Result>(call: () => Promise<Result>): Promise<Result> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = FLUSH_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof UpstashCallError && (error.code === "network" || /^HTTP 5\d\d$/.test(error.code));
}
