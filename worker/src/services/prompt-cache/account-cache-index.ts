/**
 * The account's prompt-cache index, `omz:pcidx:<userId>` (the lease flush script adds each entry it stores), and the
 * two-step deletion of the entries it lists, for the scripts that delete them (the cache switch, the account purge).
 * Those scripts carry `allow-key-locking`, so every entry they delete must be in their KEYS: the index is read first
 * (SMEMBERS, which a replica may serve, so it can be behind), then the script deletes the entries it was given and
 * answers the index members it was not given (added since the read, or not replicated yet). The caller runs the
 * script again with those. The script also sets the marker that stops settlements from adding entries (the cache-off
 * marker, the deletion tombstone), so the second run finds nothing new and ends the loop.
 */
import type { Redis } from "@upstash/redis/cloudflare";

/** The index of the account's cache entries. */
export const cacheIndexKey = (userId: string) => `omz:pcidx:${userId}`;

/** Only index members under this prefix are deleted, so a corrupted index cannot delete anything else. */
const ENTRY_PREFIX = "omz:pc:";

/** Runs of the script before giving up (the marker it sets makes the second run the last in practice). */
const MAX_RUNS = 4;

/**
 * Lua defining `drop_cache_entries(index, first)`: deletes KEYS[first..] (entries under `omz:pc:` only); returns the
 * entries deleted, the index members (under `omz:pc:`) not passed, and 1 when it deleted the index itself (only when
 * no member was missed), else 0.
 */
export const DROP_CACHE_ENTRIES_LUA = `
local function drop_cache_entries(index, first)
  local deleted = 0
  local passed = {}
  for i = first, #KEYS do
    local entry = KEYS[i]
    passed[entry] = true
    if string.sub(entry, 1, ${ENTRY_PREFIX.length}) == "${ENTRY_PREFIX}" then
      deleted = deleted + redis.call("DEL", entry)
    end
  end
  local missed = {}
  for _, entry in ipairs(redis.call("SMEMBERS", index)) do
    if not passed[entry] and string.sub(entry, 1, ${ENTRY_PREFIX.length}) == "${ENTRY_PREFIX}" then
      missed[#missed + 1] = entry
    end
  end
  local index_deleted = 0
  if #missed == 0 then index_deleted = redis.call("DEL", index) end
  return deleted, missed, index_deleted
end
`;

/** What a script built on DROP_CACHE_ENTRIES_LUA answers: a count, then the index members it was not given. */
export type DropReply = [number | string, ...string[]];

/**
 * Reads the index, then runs `run` with its entries until the script reports none missed; returns the sum of the
 * counts the runs answered.
 */
export async function dropCacheEntries(
  redis: Redis,
  userId: string,
  run: (entries: string[]) => Promise<DropReply>,
): Promise<number> {
  const members = await redis.smembers(cacheIndexKey(userId));
  let entries = members.map(String).filter((member) => member.startsWith(ENTRY_PREFIX));
  let total = 0;
  for (let attempt = 0; attempt < MAX_RUNS; attempt += 1) {
    const [count, ...missed] = await run(entries);
    total += Number(count);
    if (missed.length === 0) return total;
    // The index still lists the entries this run deleted: pass them again (deleting them again is a no-op).
    entries = [...entries, ...missed.map(String)];
  }
  throw new Error("the account's prompt-cache index kept changing while its entries were deleted");
}
