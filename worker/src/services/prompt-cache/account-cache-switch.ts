/**
 * Turning the account's prompt cache off (`PATCH /api/account {"promptCacheEnabled": false}`) deletes its entries at
 * once: those listed in `omz:pcidx:<userId>` (kept by the lease flush script) and that index. It also sets
 * `omz:pcoff:<userId>` for a slot's lifetime (15 min), which the lease flush script checks before it stores an
 * entry, so a request admitted just before the switch and finished after it stores nothing. Turning the cache on
 * again removes that marker. Idempotent.
 * The script passes every key it touches in KEYS (`allow-key-locking`: it locks only this account's keys), so the
 * index is read first and the script run again for entries added meanwhile (account-cache-index.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { SLOT_TTL_MS } from "../hot-path/admission.ts";
import { runScript } from "../hot-path/run-script.ts";
import { accountCacheSummaryKeys } from "./cache-summary.ts";
import { cacheIndexKey, DROP_CACHE_ENTRIES_LUA, dropCacheEntries, type DropReply } from "./account-cache-index.ts";

export const cacheOffMarkerKey = (userId: string) => `omz:pcoff:${userId}`;

/**
 * KEYS: 1 the cache-off marker, 2 the cache index, then the entries to delete. ARGV: 1 marker TTL (ms).
 * Returns the number of entries deleted, then the index members it was not given (account-cache-index.ts).
 */
export const CACHE_OFF_SCRIPT = `#!lua flags=allow-key-locking
${DROP_CACHE_ENTRIES_LUA}
redis.call("SET", KEYS[1], "1", "PX", tonumber(ARGV[1]))
local deleted, missed = drop_cache_entries(KEYS[2], 3)
local reply = { deleted }
for _, entry in ipairs(missed) do reply[#reply + 1] = entry end
return reply
`;

/**
 * Deletes the account's cache entries and stops in-flight requests from storing new ones; returns entries deleted.
 * Its cache summaries go too (cache-summary.ts; after the marker is set, so no flush marks them again).
 */
export async function turnAccountCacheOff(redis: Redis, userId: string): Promise<number> {
  const deleted = await dropCacheEntries(redis, userId, (entries) =>
    runScript<DropReply>(
      redis,
      CACHE_OFF_SCRIPT,
      [cacheOffMarkerKey(userId), cacheIndexKey(userId), ...entries],
      [String(SLOT_TTL_MS)],
    ),
  );
  await redis.del(...accountCacheSummaryKeys(userId, Date.now()));
  return deleted;
}

export async function turnAccountCacheOn(redis: Redis, userId: string): Promise<void> {
  await redis.del(cacheOffMarkerKey(userId));
}
