/**
 * Settlement after the response (inside waitUntil): one Upstash round trip that releases the concurrency slots,
 * returns the unused credit reservation, counts the tokens against the minute windows and stores the prompt-cache
 * entry. Every admitted request is settled exactly once, on every path (success, upstream error, client
 * disconnect, worker exception); a slot a crashed isolate never settles expires after SLOT_TTL_MS.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { QueuedUsage } from "../request-recorder.ts";
import { SETTLEMENT_SCRIPT } from "./admission-script.ts";
import { runScript } from "./run-script.ts";

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
}

export async function settle(redis: Redis, settlement: Settlement): Promise<void> {
  await runScript<number>(redis, SETTLEMENT_SCRIPT, [], [
    settlement.requestId, settlement.userId, settlement.keyId, String(settlement.creditDeltaMicroUsd),
    String(settlement.tokens), String(settlement.window), settlement.cache?.key ?? "", settlement.cache?.entry ?? "",
    String(PROMPT_CACHE_TTL_SECONDS), settlement.usage ? JSON.stringify(settlement.usage) : "",
  ]);
}
