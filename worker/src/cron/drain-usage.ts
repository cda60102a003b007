/**
 * The usage drain: moves queued usage records (Redis list, appended by the settlement script) into Postgres in
 * batches, one INSERT statement per batch for usage_events and request_logs together, idempotent on the request id.
 * Claim, insert, then release: a run that dies after claiming leaves the records in the draining list for the next
 * run, so nothing is lost and nothing is written twice. The release deletes the draining list only while it still
 * holds this run's claim: runs that overlap (a run stuck on Postgres past the next trigger) cannot drop a batch
 * another run claimed after them. Records of accounts deleted meanwhile are dropped (their
 * rows must not come back); a key deleted meanwhile is recorded as null.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../db/client.ts";
import {
  DRAIN_CLAIM_KEYS,
  DRAIN_CLAIM_SCRIPT,
  DRAIN_RELEASE_SCRIPT,
  drainReleaseKeys,
} from "../services/hot-path/lua-scripts.ts";
import { intArg, runScript } from "../services/hot-path/run-script.ts";
import { insertUsageRecords } from "../services/usage/insert-usage-records.ts";

export const DRAIN_BATCH = 1_000;

/** Drains up to `maxBatches` batches; returns the number of records written (or already present). */
export async function drainUsage(
  redis: Redis,
  db: Database,
  maxBatches = 20,
  batchSize = DRAIN_BATCH,
): Promise<number> {
  let drained = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const items = await runScript<string[]>(redis, DRAIN_CLAIM_SCRIPT, DRAIN_CLAIM_KEYS, [String(batchSize)]);
    if (items.length === 0) break;
    const records = items.flatMap((item) => {
      try {
        return [JSON.parse(item) as unknown];
      } catch {
        console.error(JSON.stringify({ event: "usage-record-unreadable", bytes: item.length }));
        return [];
      }
    });
    await insertUsageRecords(db, records);
    // Releases only this run's own claim (its first record and length): an overlapping run that claimed the same
    // batch again releases nothing, so the batch's costs leave the undrained usage once.
    const costs = drainedCosts(records);
    await runScript<number>(redis, DRAIN_RELEASE_SCRIPT, drainReleaseKeys(costs), [
      items[0] ?? "",
      intArg(items.length),
      ...costs,
    ]);
    drained += items.length;
    if (items.length < batchSize) break;
  }
  return drained;
}

/** (user id, cost) pairs of the batch, one per account: what the release takes off each account's undrained usage. */
function drainedCosts(records: unknown[]): string[] {
  const costs = new Map<string, number>();
  for (const record of records) {
    if (typeof record !== "object" || record === null) continue;
    const { user_id: userId, cost_micro_usd: cost } = record as { user_id?: unknown; cost_micro_usd?: unknown };
    if (typeof userId !== "string" || typeof cost !== "number" || !Number.isSafeInteger(cost)) continue;
    costs.set(userId, (costs.get(userId) ?? 0) + cost);
  }
  return [...costs].flatMap(([userId, cost]) => [userId, intArg(cost)]);
}
