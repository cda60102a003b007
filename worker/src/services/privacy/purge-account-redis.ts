/**
 * Removes everything the edge keeps in Redis about an account, in ONE script run (atomic, one Upstash request):
 * - `omz:key:<hash>` of each of its keys, so the edge stops serving them at once (the next request is a cold miss,
 *   and Postgres no longer admits the key);
 * - the fair-use counters `omz:rl:<userId>:{r,t}:<window>` and `omz:rl:k:<keyId>:{r,t}:<window>`;
 * - the concurrency sets `omz:cc:<userId>` and `omz:cck:<keyId>`, the keys' spend counters `omz:spend:<keyId>:*`
 *   (this period's and the previous one's; older ones expired), the credit counter `omz:credit:<userId>`, its
 *   reservations `omz:resv:<userId>` and undrained usage `omz:undrained:<userId>`;
 * - the prompt-cache entries listed in `omz:pcidx:<userId>` (maintained by the settlement script), and that set;
 * - the account's usage records still queued for the usage drain (`omz:usage:queue`, and `omz:usage:draining` of a
 *   drain run in progress, which only ever deletes that list as a whole), with their IP and user agent.
 * It also leaves a tombstone, `omz:deleted:<userId>` (the random account id, nothing else), for
 * `ACCOUNT_TOMBSTONE_SECONDS`: the settlement script of a request still in flight checks it and writes nothing (no
 * cache entry, no usage record, no counter) for a deleted account. It outlives the longest a request can stay
 * unsettled (a slot's 15 minutes) several times over.
 *
 * Counter keys are computed rather than found with SCAN (which walks the whole keyspace on every call): windows are
 * one minute and a counter lives 61 s after its last write, and settlement writes the window of its admission, at
 * most a slot's lifetime (15 min) ago. So the windows from `now - 16 min` to `now + 1 min` are every counter that
 * can exist. The keys of the layout are in worker/src/services/hot-path/lua-scripts.ts.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { USAGE_DRAINING_KEY, USAGE_QUEUE_KEY } from "../hot-path/lua-scripts.ts";
import { runScript } from "../hot-path/run-script.ts";
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
 * ARGV: 1 user id, 2 now (ms), 3 windows back, 4 the spend buckets to clear (comma-separated: this period's and the
 * previous one's, lib/spend-period.ts), then pairs of (key id, key hash). Returns the number of keys deleted.
 * Only index members under `omz:pc:` are deleted, so a corrupted index cannot delete anything else.
 */
export const PURGE_ACCOUNT_SCRIPT = `
local user = ARGV[1]
local window = math.floor(tonumber(ARGV[2]) / 60000)
local back = tonumber(ARGV[3])
local deleted = 0
local function drop(name) deleted = deleted + redis.call("DEL", name) end
local function drop_windows(prefix)
  for w = window - back, window + 1 do
    drop(prefix .. ":r:" .. w)
    drop(prefix .. ":t:" .. w)
  end
end
drop("omz:credit:" .. user)
drop("omz:resv:" .. user)
drop("omz:undrained:" .. user)
drop("omz:cc:" .. user)
drop_windows("omz:rl:" .. user)
for i = 5, #ARGV - 1, 2 do
  local key, hash = ARGV[i], ARGV[i + 1]
  drop("omz:key:" .. hash)
  drop("omz:cck:" .. key)
  drop_windows("omz:rl:k:" .. key)
  for bucket in string.gmatch(ARGV[4], "[^,]+") do drop("omz:spend:" .. key .. ":" .. bucket) end
end
local index = "omz:pcidx:" .. user
local entries = redis.call("SMEMBERS", index)
for _, entry in ipairs(entries) do
  if string.sub(entry, 1, 7) == "omz:pc:" then drop(entry) end
end
drop(index)
-- Queued usage records of the account: matched on their user_id field (plain find, no cjson in the embedded Redis).
local needle = '"user_id":"' .. user .. '"'
for _, list in ipairs({ "${USAGE_QUEUE_KEY}", "${USAGE_DRAINING_KEY}" }) do
  local matches = {}
  local length = redis.call("LLEN", list)
  for start = 0, length - 1, 1000 do
    for _, item in ipairs(redis.call("LRANGE", list, start, start + 999)) do
      if string.find(item, needle, 1, true) then matches[#matches + 1] = item end
    end
  end
  for _, item in ipairs(matches) do deleted = deleted + redis.call("LREM", list, 0, item) end
end
redis.call("SET", "omz:deleted:" .. user, "1", "EX", ${ACCOUNT_TOMBSTONE_SECONDS})
return deleted
`;

/** Deletes the account's Redis entries; safe to repeat (deleting what is gone is a no-op). Returns keys deleted. */
export async function purgeAccountRedis(
  redis: Redis,
  userId: string,
  keys: readonly AccountKeyRef[],
  now: Date,
): Promise<number> {
  const args = [
    userId,
    String(now.getTime()),
    String(COUNTER_WINDOWS_BACK),
    spendBucketsToClear(now.getTime()).join(","),
    ...keys.flatMap((key) => [key.id, key.keyHash]),
  ];
  return Number(await runScript<number>(redis, PURGE_ACCOUNT_SCRIPT, [], args));
}

/** The per-key spend counters' buckets that can still exist: this period's and the previous one's, per period. */
function spendBucketsToClear(nowMs: number): string[] {
  return SPEND_PERIODS.flatMap((period) => {
    const start = periodStart(period, nowMs);
    const current = spendBucket(period, nowMs);
    return start ? [current, spendBucket(period, start.getTime() - 1)] : [current];
  });
}
