/**
 * Removes everything the edge keeps in Redis about an account, in one script run (atomic, one Upstash request, after
 * a read of the account's cache index; a second run only for cache entries added in between, see below):
 * - `omz:key:<hash>` of each of its keys, so the edge stops serving them at once (the next request is a cold miss,
 *   and Postgres no longer admits the key);
 * - the fair-use counters `omz:rl:<userId>:{r,t}:<window>` and `omz:rl:k:<keyId>:{r,t}:<window>`;
 * - the concurrency sets `omz:cc:<userId>` and `omz:cck:<keyId>`, the keys' spend counters `omz:spend:<keyId>:*`
 *   (this period's and the previous one's; older ones expired), the credit counter `omz:credit:<userId>`, its
 *   reservations `omz:resv:<userId>` and undrained usage `omz:undrained:<userId>`;
 * - the prompt-cache entries listed in `omz:pcidx:<userId>` (maintained by the lease flush script), and that set, and
 *   the account's cache summaries `omz:pcsum:<userId>:<hour>` (prompt-cache/cache-summary.ts: the ones that can exist);
 * - the account's usage records still queued for the usage drain, with their IP and user agent: in its shard's queue
 *   `omz:usage:queue:<shard>` and draining list `omz:usage:draining:<shard>` (a drain run in progress, which only ever
 *   deletes that list as a whole), and in the single queue of before the sharding (`omz:usage:queue`,
 *   `omz:usage:draining`).
 * It also leaves a tombstone, `omz:deleted:<userId>` (the random account id, nothing else), for
 * `ACCOUNT_TOMBSTONE_SECONDS`: the lease flush of a request still in flight checks it and writes nothing (no
 * cache entry, no usage record, no counter) for a deleted account. It outlives the longest a request can stay
 * unsettled (a slot's 15 minutes) several times over.
 *
 * Counter keys are computed rather than found with SCAN (which walks the whole keyspace on every call): windows are
 * one minute and a counter lives 61 s after its last write, and settlement writes the window of its admission, at
 * most a slot's lifetime (15 min) ago. So the windows from `now - 16 min` to `now + 1 min` are every counter that
 * can exist. The keys of the layout are in worker/src/services/hot-path/lua-scripts.ts.
 *
 * The script carries `allow-key-locking` (it locks only this account's keys, not the whole database), so every key
 * it touches is in KEYS: the computed ones, and the cache entries read from the index first
 * (prompt-cache/account-cache-index.ts). Entries a settlement added after that read are answered back and deleted
 * by a second run; the tombstone the first run sets stops any more.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { runScript } from "../hot-path/run-script.ts";
import { accountUsageQueueKeys } from "../hot-path/script-keys.ts";
import {
  cacheIndexKey,
  DROP_CACHE_ENTRIES_LUA,
  dropCacheEntries,
  type DropReply,
} from "../prompt-cache/account-cache-index.ts";
import { accountCacheSummaryKeys } from "../prompt-cache/cache-summary.ts";
import { periodStart, SPEND_PERIODS, spendBucket } from "../../lib/spend-period.ts";

/** How long the tombstone of a deleted account stops late settlements (slot TTL: 15 min). */
export const ACCOUNT_TOMBSTONE_SECONDS = 2 * 3600;
export const accountTombstoneKey = (userId: string) => `omz:deleted:${userId}`;

/** Past one-minute windows to clear: a slot lives 15 minutes, plus one for a settlement at the boundary. */
export const COUNTER_WINDOWS_BACK = 16;

export interface AccountKeyRef {
  id: string;
  keyHash: string;
}

/**
 * KEYS: 1 the tombstone, 2 the cache index, 3-6 the lists that can hold the account's queued usage records (its
 * shard's queue and draining list, the legacy ones: script-keys.ts accountUsageQueueKeys), then ARGV[2] keys to
 * delete (counters, key records: accountKeysToDelete), then the cache entries to delete.
 * ARGV: 1 user id, 2 how many keys to delete follow the lists.
 * Returns the number of keys deleted, then the cache index members it was not given (account-cache-index.ts).
 */
export const PURGE_ACCOUNT_SCRIPT = `#!lua flags=allow-key-locking
${DROP_CACHE_ENTRIES_LUA}
local user = ARGV[1]
local plain = tonumber(ARGV[2])
local deleted = 0
redis.call("SET", KEYS[1], "1", "EX", ${ACCOUNT_TOMBSTONE_SECONDS})
for i = 7, 6 + plain do deleted = deleted + redis.call("DEL", KEYS[i]) end
local entries, missed, index_deleted = drop_cache_entries(KEYS[2], 7 + plain)
deleted = deleted + entries + index_deleted
-- Queued usage records of the account: matched on their user_id field (plain find, no cjson in the embedded Redis).
local needle = '"user_id":"' .. user .. '"'
for list = 3, 6 do
  local matches = {}
  local length = redis.call("LLEN", KEYS[list])
  for start = 0, length - 1, 1000 do
    for _, item in ipairs(redis.call("LRANGE", KEYS[list], start, start + 999)) do
      if string.find(item, needle, 1, true) then matches[#matches + 1] = item end
    end
  end
  for _, item in ipairs(matches) do deleted = deleted + redis.call("LREM", KEYS[list], 0, item) end
end
local reply = { deleted }
for _, entry in ipairs(missed) do reply[#reply + 1] = entry end
return reply
`;

/** Deletes the account's Redis entries; safe to repeat (deleting what is gone is a no-op). Returns keys deleted. */
export async function purgeAccountRedis(
  redis: Redis,
  userId: string,
  keys: readonly AccountKeyRef[],
  now: Date,
): Promise<number> {
  const toDelete = accountKeysToDelete(userId, keys, now.getTime());
  const fixed = [accountTombstoneKey(userId), cacheIndexKey(userId), ...accountUsageQueueKeys(userId)];
  return dropCacheEntries(redis, userId, (entries) =>
    runScript<DropReply>(
      redis,
      PURGE_ACCOUNT_SCRIPT,
      [...fixed, ...toDelete, ...entries],
      [userId, String(toDelete.length)],
    ),
  );
}

/**
 * The account's keys the purge deletes outright: its credit counter, reservations, undrained usage, concurrency set
 * and fair-use windows; per API key its key record, concurrency set, fair-use windows and spend counters.
 */
export function accountKeysToDelete(userId: string, keys: readonly AccountKeyRef[], nowMs: number): string[] {
  const window = Math.floor(nowMs / 60_000);
  const windows = (prefix: string) =>
    Array.from({ length: COUNTER_WINDOWS_BACK + 2 }, (_, index) => window - COUNTER_WINDOWS_BACK + index).flatMap(
      (w) => [`${prefix}:r:${w}`, `${prefix}:t:${w}`],
    );
  const buckets = spendBucketsToClear(nowMs);
  return [
    `omz:credit:${userId}`,
    `omz:resv:${userId}`,
    `omz:undrained:${userId}`,
    `omz:cc:${userId}`,
    ...accountCacheSummaryKeys(userId, nowMs),
    ...windows(`omz:rl:${userId}`),
    ...keys.flatMap((key) => [
      `omz:key:${key.keyHash}`,
      `omz:cck:${key.id}`,
      ...windows(`omz:rl:k:${key.id}`),
      ...buckets.map((bucket) => `omz:spend:${key.id}:${bucket}`),
    ]),
  ];
}

/** The per-key spend counters' buckets that can still exist: this period's and the previous one's, per period. */
function spendBucketsToClear(nowMs: number): string[] {
  return SPEND_PERIODS.flatMap((period) => {
    const start = periodStart(period, nowMs);
    const current = spendBucket(period, nowMs);
    return start ? [current, spendBucket(period, start.getTime() - 1)] : [current];
  });
}
