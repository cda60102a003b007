/**
 * The usage drain: moves queued usage records (Redis lists, appended by the lease flush script) into Postgres in
 * batches, one INSERT statement per batch for usage_events and request_logs together, idempotent on the request id.
 * The queue is sharded by account (script-keys.ts USAGE_QUEUES: 16 shards, then the single queue of before the
 * sharding, so records queued before the deploy are drained too); each shard is drained on its own, with its own
 * draining list.
 * Claim, insert, then release, per shard: a run that dies after claiming leaves the records in the shard's draining
 * list for the next run, so nothing is lost and nothing is written twice. The release deletes the draining list only
 * while it still holds this run's claim: runs that overlap (a run stuck on Postgres past the next trigger) cannot drop
 * a batch another run claimed after them. Records of accounts deleted meanwhile are dropped (their rows must not come
 * back); a key deleted meanwhile is recorded as null.
 * Bounds of a run: at most `maxBatches` batches over all shards, taken round-robin (one batch per shard per round,
 * starting at a shard that moves every minute), so a busy shard cannot starve the others; with the default budget,
 * larger than the number of shards, every shard that has records gets at least one batch each run. A shard whose
 * batch Postgres refuses (a record it cannot take, or Postgres down) keeps its claim for the next run while the
 * others go on, up to MAX_FAILED_INSERTS refusals (then Postgres is taken to be down); the run then throws the first
 * refusal. A Redis failure ends the run at once.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../db/client.ts";
import { DRAIN_CLAIM_SCRIPT, DRAIN_RELEASE_SCRIPT } from "../services/hot-path/lua-scripts.ts";
import { intArg, runScript } from "../services/hot-path/run-script.ts";
import { drainClaimKeys, drainReleaseKeys, USAGE_QUEUES, type UsageQueue } from "../services/hot-path/script-keys.ts";
import { insertUsageRecords } from "../services/usage/insert-usage-records.ts";

export const DRAIN_BATCH = 1_000;

/** Batches one run writes at most, over all shards: more than there are queues, so none waits a run for its turn. */
export const DRAIN_MAX_BATCHES = 24;

/** Batches Postgres may refuse in one run before the run stops (one bad batch must not hold up the other shards). */
const MAX_FAILED_INSERTS = 3;

/** A batch Postgres refused (its cause is the driver's error). */
class InsertRefused extends Error {
  constructor(readonly original: unknown) {
    super("usage batch insert failed");
  }
}

/** Drains up to `maxBatches` batches; returns the number of records written (or already present). */
export async function drainUsage(
  redis: Redis,
  db: Database,
  maxBatches = DRAIN_MAX_BATCHES,
  batchSize = DRAIN_BATCH,
  now = Date.now(),
): Promise<number> {
  const start = Math.floor(now / 60_000) % USAGE_QUEUES.length;
  let open = [...USAGE_QUEUES.slice(start), ...USAGE_QUEUES.slice(0, start)];
  let drained = 0;
  let batches = 0;
  const failures: unknown[] = [];
  while (open.length > 0 && batches < maxBatches && failures.length < MAX_FAILED_INSERTS) {
    const more: UsageQueue[] = [];
    for (const queue of open) {
      if (batches >= maxBatches || failures.length >= MAX_FAILED_INSERTS) break;
      try {
        const count = await drainBatch(redis, db, queue, batchSize);
        if (count === 0) continue;
        batches += 1;
        drained += count;
        if (count >= batchSize) more.push(queue);
      } catch (error) {
        if (!(error instanceof InsertRefused)) throw error;
        // This shard's claim stays in its draining list for the next run; the other shards go on.
        batches += 1;
        failures.push(error.original);
      }
    }
    open = more;
  }
  if (failures.length > 0) throw failures[0];
  return drained;
}

/** One batch of one queue: claim, insert, release. Returns the records claimed (0: the queue is empty). */
async function drainBatch(redis: Redis, db: Database, queue: UsageQueue, batchSize: number): Promise<number> {
  const items = await runScript<string[]>(redis, DRAIN_CLAIM_SCRIPT, drainClaimKeys(queue), [String(batchSize)]);
  if (items.length === 0) return 0;
  const records = items.flatMap((item) => {
    try {
      return [JSON.parse(item) as unknown];
    } catch {
      console.error(JSON.stringify({ event: "usage-record-unreadable", bytes: item.length }));
      return [];
    }
  });
  await insertUsageRecords(db, records).catch((error: unknown) => {
    throw new InsertRefused(error);
  });
  // Releases only this run's own claim (its first record and length): an overlapping run that claimed the same
  // batch again releases nothing, so the batch's costs leave the undrained usage once.
  const costs = drainedCosts(records);
  await runScript<number>(redis, DRAIN_RELEASE_SCRIPT, drainReleaseKeys(queue, costs), [
    items[0] ?? "",
    intArg(items.length),
    ...costs,
  ]);
  return items.length;
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
