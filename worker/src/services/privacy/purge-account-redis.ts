/**
 * Removes everything the edge keeps in Redis about an account, in ONE script run (atomic, one Upstash request):
 * - `omz:key:<hash>` of each of its keys, so the edge stops serving them at once (the next request is a cold miss,
 *   and Postgres no longer admits the key);
 * - the fair-use counters `omz:rl:<userId>:{r,t}:<window>` and `omz:rl:k:<keyId>:{r,t}:<window>`;
 * - the concurrency sets `omz:cc:<userId>` and `omz:cck:<keyId>`, the credit counter `omz:credit:<userId>`, its
 *   reservations `omz:resv:<userId>` and undrained usage `omz:undrained:<userId>`;
 * - the prompt-cache entries listed in `omz:pcidx:<userId>` (maintained by the settlement script), and that set.
 *
 * Counter keys are computed rather than found with SCAN (which walks the whole keyspace on every call): windows are
 * one minute and a counter lives 61 s after its last write, and settlement writes the window of its admission, at
 * most a slot's lifetime (15 min) ago. So the windows from `now - 16 min` to `now + 1 min` are every counter that
 * can exist. The keys of the layout are in worker/src/services/hot-path/admission-script.ts.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { runScript } from "../hot-path/run-script.ts";

/** Past one-minute windows to clear: a slot lives 15 minutes, plus one for a settlement at the boundary. */
export const COUNTER_WINDOWS_BACK = 16;

export interface AccountKeyRef {
  id: string;
  keyHash: string;
}

/**
 * ARGV: 1 user id, 2 now (ms), 3 windows back, then pairs of (key id, key hash). Returns the number of keys deleted.
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
for i = 4, #ARGV - 1, 2 do
  local key, hash = ARGV[i], ARGV[i + 1]
  drop("omz:key:" .. hash)
  drop("omz:cck:" .. key)
  drop_windows("omz:rl:k:" .. key)
end
local index = "omz:pcidx:" .. user
local entries = redis.call("SMEMBERS", index)
for _, entry in ipairs(entries) do
  if string.sub(entry, 1, 7) == "omz:pc:" then drop(entry) end
end
drop(index)
return deleted
`;

/** Deletes the account's Redis entries; safe to repeat (deleting what is gone is a no-op). Returns keys deleted. */
export async function purgeAccountRedis(redis: Redis, userId: string, keys: readonly AccountKeyRef[], now: Date): Promise<number> {
  const args = [userId, String(now.getTime()), String(COUNTER_WINDOWS_BACK), ...keys.flatMap((key) => [key.id, key.keyHash])];
  return Number(await runScript<number>(redis, PURGE_ACCOUNT_SCRIPT, [], args));
}
