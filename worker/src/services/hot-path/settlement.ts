/**
 * Settlement after the response (inside waitUntil): one Upstash round trip that releases the concurrency slots,
 * returns the unused credit reservation, counts the tokens against the minute windows and stores the prompt-cache
 * entry. Every admitted request is settled exactly once, on every path (success, upstream error, client
 * disconnect, worker exception); a slot a crashed isolate never settles expires after SLOT_TTL_MS.
 */
import type { QueuedUsage } from "../request-recorder.ts";
import { SETTLEMENT_SCRIPT } from "./lua-scripts.ts";
import { intArg, runScript } from "./run-script.ts";
import { settlementKeys } from "./script-keys.ts";
import { UpstashCallError, type ScriptClient } from "./script-client.ts";

/** Policy 4.2 and 6: prompt-cache entries live exactly one hour. */
export const PROMPT_CACHE_TTL_SECONDS = 3600;

export interface Settlement {
  requestId: string;
  userId: string;
  keyId: string;
  /** Reservation minus actual cost: positive returns credit, negative takes more. */
  creditDeltaMicroUsd: number;
  tokens: number;
  window: number;
  cache?: { key: string; entry: string };
  /** The usage record to queue for the usage drain (absent when nothing was routed). */
  usage?: QueuedUsage;
  /** The key's spend counter of the admission (Admission.spendKey; absent or "" = no limit). */
  spendKey?: string;
}

/** Delays before the second and third try of a settlement whose call failed (network error or 5xx). */
export const SETTLEMENT_RETRY_DELAYS_MS = [50, 250];

/**
 * Runs the settlement script, trying again after a network error or a 5xx: the script is idempotent per request id
 * (it marks the request settled), so a try whose reply was lost is not applied twice. Callers go through
 * ./durable-settlement.ts, which writes the usage record to Postgres directly when all three tries fail.
 */
export async function settle(redis: ScriptClient, settlement: Settlement): Promise<void> {
  const args = [
    settlement.requestId,
    settlement.userId,
    settlement.keyId,
    intArg(settlement.creditDeltaMicroUsd),
    intArg(settlement.tokens),
    intArg(settlement.window),
    settlement.cache?.key ?? "",
    settlement.cache?.entry ?? "",
    intArg(PROMPT_CACHE_TTL_SECONDS),
    settlement.usage ? JSON.stringify(settlement.usage) : "",
    intArg(settlement.usage?.cost_micro_usd ?? 0),
    settlement.spendKey ?? "",
    // Cost minus reservation: the reservation was added to the key's spend at admission.
    intArg(-settlement.creditDeltaMicroUsd),
  ];
  const keys = settlementKeys({
    requestId: settlement.requestId,
    userId: settlement.userId,
    keyId: settlement.keyId,
    window: settlement.window,
    spendKey: settlement.spendKey ?? "",
    cacheKey: settlement.cache?.key || null,
  });
  await retryTransient(() => runScript<number>(redis, SETTLEMENT_SCRIPT, keys, args));
}

/** Runs `call`, again after SETTLEMENT_RETRY_DELAYS_MS when it fails with a network error or a 5xx. */
export async function retryTransient<Result>(call: () => Promise<Result>): Promise<Result> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = SETTLEMENT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof UpstashCallError && (error.code === "network" || /^HTTP 5\d\d$/.test(error.code));
}
