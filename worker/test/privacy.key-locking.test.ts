/**
 * The account purge and the prompt-cache switch under Upstash's key-locking rule: their scripts carry
 * `allow-key-locking`, and the Upstash stand-in refuses any key a flagged script did not pass in KEYS ("Dynamic keys
 * are not allowed"), so every run here also checks that they pass each key they touch. Both read the account's cache
 * index first (a replica may serve that read, so it can be behind) and run again for the entries their read missed.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { LEGACY_USAGE_QUEUE_KEY, usageDrainingKey, usageQueueKey } from "../src/services/hot-path/script-keys.ts";
import {
  accountTombstoneKey,
  PURGE_ACCOUNT_SCRIPT,
  purgeAccountRedis,
} from "../src/services/privacy/purge-account-redis.ts";
import { cacheIndexKey } from "../src/services/prompt-cache/account-cache-index.ts";
import {
  CACHE_OFF_SCRIPT,
  cacheOffMarkerKey,
  turnAccountCacheOff,
} from "../src/services/prompt-cache/account-cache-switch.ts";
import { testRedis } from "./support/stand-ins.ts";

/** The client, except that its read of a set answers only `seen` (a replica behind, or a settlement since). */
function staleSetReads(redis: Redis, seen: (members: string[]) => string[]): Redis {
  const stale = Object.create(redis) as Redis;
  stale.smembers = (async (key: string) => seen(await redis.smembers(key))) as Redis["smembers"];
  return stale;
}

/** An account with `count` cache entries listed in its index. */
async function cachedAccount(count: number): Promise<{ userId: string; entries: string[] }> {
  const redis = testRedis();
  const userId = `user-${crypto.randomUUID()}`;
  const entries = Array.from({ length: count }, () => `omz:pc:${crypto.randomUUID()}`);
  for (const entry of entries) await redis.set(entry, "encrypted", { ex: 600 });
  await redis.sadd(cacheIndexKey(userId), entries[0]!, ...entries.slice(1));
  return { userId, entries };
}

describe("the purge and the cache switch lock only their KEYS", () => {
  it("both scripts are flagged allow-key-locking", () => {
    expect(CACHE_OFF_SCRIPT.startsWith("#!lua flags=allow-key-locking\n")).toBe(true);
    expect(PURGE_ACCOUNT_SCRIPT.startsWith("#!lua flags=allow-key-locking\n")).toBe(true);
  });

  it("the cache switch deletes entries its read of the index missed (a second run), and the index", async () => {
    const redis = testRedis();
    const { userId, entries } = await cachedAccount(3);
    // A foreign member of the index (not a cache entry) is never deleted.
    const bystander = `omz:credit:${userId}`;
    await redis.set(bystander, "5");
    await redis.sadd(cacheIndexKey(userId), bystander);

    const deleted = await turnAccountCacheOff(
      staleSetReads(redis, (members) => members.filter((member) => member === entries[0])),
      userId,
    );

    expect(deleted).toBe(3);
    expect(await redis.exists(...entries, cacheIndexKey(userId))).toBe(0);
    expect(await redis.exists(cacheOffMarkerKey(userId))).toBe(1);
    expect(await redis.get(bystander)).toBe("5");
    await redis.del(bystander, cacheOffMarkerKey(userId));
  });

  it("the cache switch on an account without entries deletes nothing and sets the marker", async () => {
    const redis = testRedis();
    const userId = `user-${crypto.randomUUID()}`;
    expect(await turnAccountCacheOff(redis, userId)).toBe(0);
    expect(await redis.exists(cacheOffMarkerKey(userId))).toBe(1);
    await redis.del(cacheOffMarkerKey(userId));
  });

  it("the purge deletes the account's keys, its cache entries (also those its read missed) and its queued records", async () => {
    const redis = testRedis();
    const { userId, entries } = await cachedAccount(2);
    const key = { id: `key-${crypto.randomUUID()}`, keyHash: crypto.randomUUID().replaceAll("-", "") };
    const window = Math.floor(Date.now() / 60_000);
    const named = [
      `omz:credit:${userId}`,
      `omz:undrained:${userId}`,
      `omz:rl:${userId}:r:${window}`,
      `omz:rl:${userId}:t:${window - 3}`,
      `omz:key:${key.keyHash}`,
      `omz:rl:k:${key.id}:r:${window}`,
    ];
    for (const name of named) await redis.set(name, "1", { ex: 600 });
    await redis.zadd(`omz:cck:${key.id}`, { score: Date.now() + 60_000, member: "req" });
    const mine = JSON.stringify({ request_id: "r1", user_id: userId });
    const other = JSON.stringify({ request_id: "r2", user_id: `user-${crypto.randomUUID()}` });
    await redis.rpush(usageQueueKey(userId), mine);
    await redis.rpush(usageDrainingKey(userId), mine);
    await redis.rpush(LEGACY_USAGE_QUEUE_KEY, mine, other);

    // The read of the index saw nothing (a replica behind): the script answers the entries, a second run deletes them.
    const deleted = await purgeAccountRedis(
      staleSetReads(redis, () => []),
      userId,
      [key],
      new Date(),
    );

    expect(deleted).toBe(named.length + 1 + entries.length + 1 + 3);
    expect(await redis.exists(...named, `omz:cck:${key.id}`, ...entries, cacheIndexKey(userId))).toBe(0);
    for (const list of [usageQueueKey(userId), usageDrainingKey(userId), LEGACY_USAGE_QUEUE_KEY]) {
      expect((await redis.lrange(list, 0, -1)).some((item) => item.includes(userId))).toBe(false);
    }
    expect(await redis.lrange(LEGACY_USAGE_QUEUE_KEY, 0, -1)).toContain(other);
    expect(await redis.exists(accountTombstoneKey(userId))).toBe(1);
    await redis.lrem(LEGACY_USAGE_QUEUE_KEY, 0, other);
    // Repeating it deletes nothing more.
    expect(await purgeAccountRedis(redis, userId, [key], new Date())).toBe(0);
    await redis.del(accountTombstoneKey(userId));
  });
});
