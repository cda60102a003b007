/**
 * Turning the account's prompt cache off (`PATCH /api/account {"promptCacheEnabled": false}`) deletes its entries at
 * once: those listed in `omz:pcidx:<userId>` (kept by the settlement script) and that index. It also sets
 * `omz:pcoff:<userId>` for a slot's lifetime (15 min), which the settlement script checks before it stores an
 * entry, so a request admitted just before the switch and finished after it stores nothing. Turning the cache on
 * again removes that marker. One script run each, idempotent.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { SLOT_TTL_MS } from "../hot-path/admission.ts";
import { runScript } from "../hot-path/run-script.ts";

export const cacheOffMarkerKey = (userId: string) => `omz:pcoff:${userId}`;

/** ARGV: 1 user id, 2 marker TTL (ms). Returns the number of entries deleted (index members under `omz:pc:` only). */
const CACHE_OFF_SCRIPT = `
local index = "omz:pcidx:" .. ARGV[1]
local deleted = 0
for _, entry in ipairs(redis.call("SMEMBERS", index)) do
  if string.sub(entry, 1, 7) == "omz:pc:" then deleted = deleted + redis.call("DEL", entry) end
end
redis.call("DEL", index)
redis.call("SET", "omz:pcoff:" .. ARGV[1], "1", "PX", tonumber(ARGV[2]))
return deleted
`;

/** Deletes the account's cache entries and stops in-flight requests from storing new ones; returns entries deleted. */
export async function turnAccountCacheOff(redis: Redis, userId: string): Promise<number> {
  return Number(await runScript<number>(redis, CACHE_OFF_SCRIPT, [], [userId, String(SLOT_TTL_MS)]));
}

export async function turnAccountCacheOn(redis: Redis, userId: string): Promise<void> {
  await redis.del(cacheOffMarkerKey(userId));
}
