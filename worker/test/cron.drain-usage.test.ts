import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { describe, expect, it } from "vitest";
import { requestLogs, usageEvents, users } from "../../db/schema.ts";
import { seedAccount, withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";
import { DRAIN_RELEASE_SCRIPT } from "../src/services/hot-path/lua-scripts.ts";
import { runScript } from "../src/services/hot-path/run-script.ts";
import {
  drainReleaseKeys,
  LEGACY_USAGE_DRAINING_KEY,
  LEGACY_USAGE_QUEUE_KEY,
  USAGE_QUEUES,
  usageDrainingKey,
  usageQueueKey,
  usageQueueShard,
} from "../src/services/hot-path/script-keys.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";

const record = (requestId: string, userId: string, keyId: string) => ({
  request_id: requestId,
  user_id: userId,
  api_key_id: keyId,
  model: "m",
  provider: "p",
  prompt_tokens: 3,
  completion_tokens: 4,
  cached_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  cost_micro_usd: 9,
  price_version: "v",
  usage_source: "provider",
  status: "ok",
  http_status: 200,
  cache_hit: false,
  stream: false,
  latency_ms: 5,
  time_to_first_token_ms: null,
  created_at: "2026-11-26T10:00:00.000Z",
  ip: "192.0.2.1",
  user_agent: "test",
  method: "POST",
  path: "/v1/chat/completions",
});

/** Accounts whose usage queue shards all differ (seeded until `count` distinct shards turned up). */
async function accountsInDistinctShards(count: number): Promise<Awaited<ReturnType<typeof seedAccount>>[]> {
  const byShard = new Map<number, Awaited<ReturnType<typeof seedAccount>>>();
  while (byShard.size < count) {
    const account = await seedAccount();
    byShard.set(usageQueueShard(account.userId), account);
  }
  return [...byShard.values()];
}

const requestIdsLike = (prefix: string) =>
  withDatabase((db) =>
    db
      .select({ requestId: usageEvents.requestId })
      .from(usageEvents)
      .where(sql`${usageEvents.requestId} LIKE ${`${prefix}%`}`),
  ).then((rows) => rows.map((row) => row.requestId).sort());

describe("usage drain", () => {
  it("writes queued records in batches, exactly once, resuming a claimed batch a dead run left behind", async () => {
    const account = await seedAccount();
    const gone = await seedAccount();
    const redis = testRedis();
    const prefix = `drain-${crypto.randomUUID()}`;
    // A batch claimed by a run that died before inserting:
    await redis.rpush(
      usageDrainingKey(account.userId),
      JSON.stringify(record(`${prefix}-claimed`, account.userId, account.keyId)),
    );
    for (let index = 0; index < 12; index += 1) {
      const item = JSON.stringify(record(`${prefix}-${index}`, account.userId, account.keyId));
      await redis.rpush(usageQueueKey(account.userId), item);
    }
    await redis.rpush(usageQueueKey(gone.userId), JSON.stringify(record(`${prefix}-gone`, gone.userId, gone.keyId)));
    await withDatabase((db) => db.delete(users).where(eq(users.id, gone.userId)));

    await withDatabase((db) => drainUsage(redis, db, 50, 5));
    await withDatabase((db) => drainUsage(redis, db, 50, 5));
    const rows = await withDatabase((db) =>
      db
        .select()
        .from(usageEvents)
        .where(sql`${usageEvents.requestId} LIKE ${`${prefix}%`}`),
    );
    expect(rows.map((row) => row.requestId).sort()).toEqual(
      [`${prefix}-claimed`, ...Array.from({ length: 12 }, (_, index) => `${prefix}-${index}`)].sort(),
    );
    expect(rows[0]).toMatchObject({
      userId: account.userId,
      apiKeyId: account.keyId,
      costMicroUsd: 9,
      promptTokens: 3,
    });
    expect(rows[0]?.createdAt.toISOString()).toBe("2026-11-26T10:00:00.000Z");
    const logs = await withDatabase((db) =>
      db
        .select()
        .from(requestLogs)
        .where(sql`${requestLogs.requestId} LIKE ${`${prefix}%`}`),
    );
    expect(logs).toHaveLength(13);
    expect(await redis.llen(usageDrainingKey(account.userId))).toBe(0);
  });

  it("writes finish_reason and api_type; records queued before they existed get null, and a redrain changes nothing", async () => {
    const account = await seedAccount();
    const redis = testRedis();
    const prefix = `drain-fields-${crypto.randomUUID()}`;
    const current = {
      ...record(`${prefix}-new`, account.userId, account.keyId),
      finish_reason: "tool_calls",
      api_type: "messages",
    };
    const older = record(`${prefix}-old`, account.userId, account.keyId);
    await redis.rpush(usageQueueKey(account.userId), JSON.stringify(current), JSON.stringify(older));
    await withDatabase((db) => drainUsage(redis, db));
    // The same records queued again (a settlement retried after a timeout) are written once, unchanged.
    await redis.rpush(usageQueueKey(account.userId), JSON.stringify({ ...current, finish_reason: "stop" }));
    await withDatabase((db) => drainUsage(redis, db));
    const rows = await withDatabase((db) =>
      db
        .select({
          requestId: usageEvents.requestId,
          finishReason: usageEvents.finishReason,
          apiType: usageEvents.apiType,
        })
        .from(usageEvents)
        .where(sql`${usageEvents.requestId} LIKE ${`${prefix}%`}`),
    );
    expect(rows.sort((a, b) => a.requestId.localeCompare(b.requestId))).toEqual([
      { requestId: `${prefix}-new`, finishReason: "tool_calls", apiType: "messages" },
      { requestId: `${prefix}-old`, finishReason: null, apiType: null },
    ]);
  });

  it("overlapping runs: a run that finishes late does not release a batch another run claimed after it", async () => {
    const account = await seedAccount();
    const redis = testRedis();
    const prefix = `overlap-${crypto.randomUUID()}`;
    await withDatabase((db) => drainUsage(redis, db));
    const queue = usageQueueKey(account.userId);
    const draining = usageDrainingKey(account.userId);
    await redis.rpush(queue, JSON.stringify(record(`${prefix}-first`, account.userId, account.keyId)));
    // Run B claims the first record, then hangs on Postgres.
    let unblock: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (unblock = resolve));
    const hanging = { execute: () => hung } as unknown as Database;
    const runB = drainUsage(redis, hanging, 1);
    await expect.poll(() => redis.llen(draining)).toBeGreaterThan(0);
    // Run A writes that claim and releases it; then run C claims a new record and fails on Postgres.
    await withDatabase((db) => drainUsage(redis, db, 1));
    await redis.rpush(queue, JSON.stringify(record(`${prefix}-second`, account.userId, account.keyId)));
    const failing = { execute: () => Promise.reject(new Error("connection lost")) } as unknown as Database;
    await expect(drainUsage(redis, failing, 1)).rejects.toThrow();
    const claimedByC = await redis.llen(draining);
    expect(claimedByC).toBeGreaterThan(0);
    // B finishes: C's claim must stay for the next run.
    unblock();
    await runB;
    expect(await redis.llen(draining)).toBe(claimedByC);
    await withDatabase((db) => drainUsage(redis, db));
    const rows = await withDatabase((db) =>
      db
        .select()
        .from(usageEvents)
        .where(sql`${usageEvents.requestId} LIKE ${`${prefix}%`}`),
    );
    expect(rows.map((row) => row.requestId).sort()).toEqual([`${prefix}-first`, `${prefix}-second`]);
  });
});

describe("usage drain across the queue shards", () => {
  it("drains every shard and the legacy single queue, resuming each one's claim a dead run left behind", async () => {
    const redis = testRedis();
    await withDatabase((db) => drainUsage(redis, db));
    const [a, b, c] = await accountsInDistinctShards(3);
    if (!a || !b || !c) throw new Error("three accounts expected");
    const prefix = `shards-${crypto.randomUUID()}`;
    const item = (name: string, who: typeof a) => JSON.stringify(record(`${prefix}-${name}`, who.userId, who.keyId));
    // Each account's records are in its own shard; a dead run left claims in two shards' draining lists.
    await redis.rpush(usageQueueKey(a.userId), item("a1", a), item("a2", a));
    await redis.rpush(usageDrainingKey(b.userId), item("b-claimed", b));
    await redis.rpush(usageQueueKey(b.userId), item("b1", b));
    await redis.rpush(usageDrainingKey(c.userId), item("c-claimed", c));
    // Records queued before the sharding (the single queue), one of them claimed by a run that died.
    await redis.rpush(LEGACY_USAGE_DRAINING_KEY, item("legacy-claimed", a));
    await redis.rpush(LEGACY_USAGE_QUEUE_KEY, item("legacy1", b), item("legacy2", c));

    await withDatabase((db) => drainUsage(redis, db, 50, 5));
    await withDatabase((db) => drainUsage(redis, db, 50, 5));

    expect(await requestIdsLike(prefix)).toEqual(
      ["a1", "a2", "b-claimed", "b1", "c-claimed", "legacy-claimed", "legacy1", "legacy2"]
        .map((name) => `${prefix}-${name}`)
        .sort(),
    );
    const lengths = await Promise.all(
      USAGE_QUEUES.flatMap((queue) => [queue.queue, queue.draining]).map((key) => redis.llen(key)),
    );
    expect(lengths.every((length) => length === 0)).toBe(true);
  });

  it("a busy shard does not starve the others: every queue with records gets a batch in each run", async () => {
    const redis = testRedis();
    await withDatabase((db) => drainUsage(redis, db));
    const [busy, ...quiet] = await accountsInDistinctShards(4);
    if (!busy) throw new Error("accounts expected");
    const prefix = `fair-${crypto.randomUUID()}`;
    for (let index = 0; index < 30; index += 1) {
      const item = JSON.stringify(record(`${prefix}-busy-${index}`, busy.userId, busy.keyId));
      await redis.rpush(usageQueueKey(busy.userId), item);
    }
    // Three runs, each with one record per quiet account and one in the legacy queue, starting at different queues.
    for (const [run, startMinute] of [0, 7, 16].entries()) {
      for (const [index, account] of quiet.entries()) {
        const item = JSON.stringify(record(`${prefix}-quiet-${run}-${index}`, account.userId, account.keyId));
        await redis.rpush(usageQueueKey(account.userId), item);
      }
      await redis.rpush(
        LEGACY_USAGE_QUEUE_KEY,
        JSON.stringify(record(`${prefix}-legacy-${run}`, busy.userId, busy.keyId)),
      );
      // A budget of one batch per queue with records, batches of 2: round-robin, so the busy shard gets one batch and
      // every other queue its record, wherever the run starts.
      await withDatabase((db) => drainUsage(redis, db, quiet.length + 2, 2, startMinute * 60_000));
      expect(await requestIdsLike(`${prefix}-quiet-${run}-`)).toHaveLength(quiet.length);
      expect(await requestIdsLike(`${prefix}-legacy-${run}`)).toHaveLength(1);
      expect(await requestIdsLike(`${prefix}-busy-`)).toHaveLength(2 * (run + 1));
    }
    expect(await redis.llen(usageQueueKey(busy.userId))).toBe(24);
    await withDatabase((db) => drainUsage(redis, db));
    expect(await requestIdsLike(`${prefix}-busy-`)).toHaveLength(30);
  });

  it("a shard whose batch Postgres refuses keeps its claim; the other shards are drained; the run reports it", async () => {
    const redis = testRedis();
    await withDatabase((db) => drainUsage(redis, db));
    const [a, b] = await accountsInDistinctShards(2);
    if (!a || !b) throw new Error("two accounts expected");
    const prefix = `isolated-${crypto.randomUUID()}`;
    await redis.rpush(usageQueueKey(a.userId), JSON.stringify(record(`${prefix}-a`, a.userId, a.keyId)));
    await redis.rpush(usageQueueKey(b.userId), JSON.stringify(record(`${prefix}-b`, b.userId, b.keyId)));
    let inserts = 0;
    await withDatabase(async (db) => {
      // The first insert fails (as if the connection dropped), the next goes through.
      const flaky = new Proxy(db, {
        get(target, property, receiver): unknown {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property !== "execute" || typeof value !== "function") return value;
          return (...args: unknown[]): unknown => {
            inserts += 1;
            if (inserts === 1) return Promise.reject(new Error("connection lost"));
            return (value as (...inner: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      await expect(drainUsage(redis, flaky)).rejects.toThrow("connection lost");
    });
    expect(inserts).toBe(2);
    // One record landed; the other is still claimed in its shard's draining list, and the next run writes it.
    expect(await requestIdsLike(prefix)).toHaveLength(1);
    const claimed = (await redis.llen(usageDrainingKey(a.userId))) + (await redis.llen(usageDrainingKey(b.userId)));
    expect(claimed).toBe(1);
    await withDatabase((db) => drainUsage(redis, db));
    expect(await requestIdsLike(prefix)).toEqual([`${prefix}-a`, `${prefix}-b`]);
  });
});

describe("usage drain with Postgres down", () => {
  it("stops after three refused batches, each shard keeping its claim for the next run", async () => {
    const redis = testRedis();
    await withDatabase((db) => drainUsage(redis, db));
    const accounts = await accountsInDistinctShards(5);
    const prefix = `down-${crypto.randomUUID()}`;
    for (const [index, account] of accounts.entries()) {
      const item = JSON.stringify(record(`${prefix}-${index}`, account.userId, account.keyId));
      await redis.rpush(usageQueueKey(account.userId), item);
    }
    let inserts = 0;
    const down = {
      execute: () => {
        inserts += 1;
        return Promise.reject(new Error("connection refused"));
      },
    } as unknown as Database;
    await expect(drainUsage(redis, down)).rejects.toThrow("connection refused");
    expect(inserts).toBe(3);
    const claimed = await Promise.all(accounts.map((account) => redis.llen(usageDrainingKey(account.userId))));
    expect(claimed.reduce((sum, length) => sum + length, 0)).toBe(3);
    await withDatabase((db) => drainUsage(redis, db));
    expect(await requestIdsLike(prefix)).toHaveLength(accounts.length);
  });
});

describe("the drain's release and the undrained usage (docs/credit.md)", () => {
  it("takes each drained batch's cost off the account's undrained usage once, and bumps the drain generation", async () => {
    const account = await seedAccount();
    const redis = testRedis();
    const prefix = `undrained-${crypto.randomUUID()}`;
    for (let index = 0; index < 3; index += 1) {
      const item = JSON.stringify(record(`${prefix}-${index}`, account.userId, account.keyId));
      await redis.rpush(usageQueueKey(account.userId), item);
    }
    await redis.set(`omz:undrained:${account.userId}`, "27"); // what the settlements added: 3 records of 9
    const generation = Number((await redis.get("omz:usage:gen")) ?? 0);
    await withDatabase((db) => drainUsage(redis, db));
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBeNull();
    expect(Number(await redis.get("omz:usage:gen"))).toBeGreaterThan(generation);
    // A run that finishes late, after another run claimed a new batch: its release (a stale claim) takes nothing off.
    const other = JSON.stringify(record(`${prefix}-other`, account.userId, account.keyId));
    const draining = usageDrainingKey(account.userId);
    const shard = USAGE_QUEUES.find((queue) => queue.draining === draining)!;
    await redis.rpush(draining, other);
    await redis.set(`omz:undrained:${account.userId}`, "9");
    const stale = JSON.stringify(record(`${prefix}-0`, account.userId, account.keyId));
    const pairs = [account.userId, "27"];
    const release = await runScript(redis, DRAIN_RELEASE_SCRIPT, drainReleaseKeys(shard, pairs), [
      stale,
      "3",
      ...pairs,
    ]);
    expect(release).toBe(0);
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBe("9");
    expect(await redis.lrange(draining, 0, -1)).toEqual([other]);
    // The run that owns it releases it.
    await withDatabase((db) => drainUsage(redis, db));
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBeNull();
    await redis.del(`omz:undrained:${account.userId}`);
  });
});
