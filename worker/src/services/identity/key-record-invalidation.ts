/**
 * Direct invalidation of the edge's key records (`omz:key:<sha256>`, worker/src/services/hot-path). Revoking a key or
 * changing what its record carries (limits, jurisdictions, prompt-cache setting, model aliases) deletes the record, so
 * the next request reloads it from Postgres at once instead of after the record's 60 s TTL (isolates that cache the
 * record, hot-path/edge-key-records.ts, see the change within 10 s).
 *
 * A request that missed the record just before the change may still write the old values back after the delete (it
 * read Postgres first). A second delete a few seconds later closes that window.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys } from "../../../../db/schema.ts";
import { edgeKeyRecords, keyRecordKey } from "../hot-path/edge-key-records.ts";

/** Time after the change for the second delete; longer than a cold fill's Postgres read. */
export const SECOND_INVALIDATION_DELAY_MS = 3_000;

export { keyRecordKey };

export interface InvalidationScheduler {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Deletes the records now, and once more after `SECOND_INVALIDATION_DELAY_MS` in the background; this isolate forgets
 * them at once, every other isolate within its key records' staleness bound (hot-path/edge-key-records.ts, 10 s).
 */
export async function invalidateKeyRecords(
  redis: Redis,
  keyHashes: readonly string[],
  background: InvalidationScheduler,
): Promise<void> {
  if (keyHashes.length === 0) return;
  const keys = keyHashes.map(keyRecordKey);
  await redis.del(...keys);
  for (const keyHash of keyHashes) edgeKeyRecords.forget(keyHash);
  background.waitUntil(
    new Promise((resolve) => setTimeout(resolve, SECOND_INVALIDATION_DELAY_MS))
      .then(() => {
        for (const keyHash of keyHashes) edgeKeyRecords.forget(keyHash);
        return redis.del(...keys);
      })
      .catch(() => undefined),
  );
}

/** Invalidates the records of every active key of an account (account-wide settings changed). */
export async function invalidateAccountKeyRecords(
  db: Pick<Database, "select">,
  redis: Redis,
  userId: string,
  background: InvalidationScheduler,
): Promise<void> {
  const rows = await db
    .select({ keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
  await invalidateKeyRecords(
    redis,
    rows.map((row) => row.keyHash),
    background,
  );
}
