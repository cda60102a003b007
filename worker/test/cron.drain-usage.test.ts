import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { describe, expect, it } from "vitest";
import { requestLogs, usageEvents, users } from "../../db/schema.ts";
import { seedAccount, withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";
import {
  DRAIN_RELEASE_SCRIPT,
  drainReleaseKeys,
  USAGE_DRAINING_KEY,
  USAGE_QUEUE_KEY,
} from "../src/services/hot-path/lua-scripts.ts";
import { runScript } from "../src/services/hot-path/run-script.ts";
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

describe("usage drain", () => {
  it("writes queued records in batches, exactly once, resuming a claimed batch a dead run left behind", async () => {
    const account = await seedAccount();
    const gone = await seedAccount();
    const redis = testRedis();
    const prefix = `drain-${crypto.randomUUID()}`;
    // A batch claimed by a run that died before inserting:
    await redis.rpush(USAGE_DRAINING_KEY, JSON.stringify(record(`${prefix}-claimed`, account.userId, account.keyId)));
    for (let index = 0; index < 12; index += 1) {
      await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(record(`${prefix}-${index}`, account.userId, account.keyId)));
    }
    await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(record(`${prefix}-gone`, gone.userId, gone.keyId)));
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
    expect(await redis.llen(USAGE_DRAINING_KEY)).toBe(0);
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
    await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(current), JSON.stringify(older));
    await withDatabase((db) => drainUsage(redis, db));
    // The same records queued again (a settlement retried after a timeout) are written once, unchanged.
    await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify({ ...current, finish_reason: "stop" }));
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
    await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(record(`${prefix}-first`, account.userId, account.keyId)));
    // Run B claims the first record, then hangs on Postgres.
    let unblock: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (unblock = resolve));
    const hanging = { execute: () => hung } as unknown as Database;
    const runB = drainUsage(redis, hanging, 1);
    await expect.poll(() => redis.llen(USAGE_DRAINING_KEY)).toBeGreaterThan(0);
    // Run A writes that claim and releases it; then run C claims a new record and fails on Postgres.
    await withDatabase((db) => drainUsage(redis, db, 1));
    await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(record(`${prefix}-second`, account.userId, account.keyId)));
    const failing = { execute: () => Promise.reject(new Error("connection lost")) } as unknown as Database;
    await expect(drainUsage(redis, failing, 1)).rejects.toThrow();
    const claimedByC = await redis.llen(USAGE_DRAINING_KEY);
    expect(claimedByC).toBeGreaterThan(0);
    // B finishes: C's claim must stay for the next run.
    unblock();
    await runB;
    expect(await redis.llen(USAGE_DRAINING_KEY)).toBe(claimedByC);
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

describe("the drain's release and the undrained usage (docs/credit.md)", () => {
  it("takes each drained batch's cost off the account's undrained usage once, and bumps the drain generation", async () => {
    const account = await seedAccount();
    const redis = testRedis();
    const prefix = `undrained-${crypto.randomUUID()}`;
    for (let index = 0; index < 3; index += 1) {
      await redis.rpush(USAGE_QUEUE_KEY, JSON.stringify(record(`${prefix}-${index}`, account.userId, account.keyId)));
    }
    await redis.set(`omz:undrained:${account.userId}`, "27"); // what the settlements added: 3 records of 9
    const generation = Number((await redis.get("omz:usage:gen")) ?? 0);
    await withDatabase((db) => drainUsage(redis, db));
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBeNull();
    expect(Number(await redis.get("omz:usage:gen"))).toBeGreaterThan(generation);
    // A run that finishes late, after another run claimed a new batch: its release (a stale claim) takes nothing off.
    const other = JSON.stringify(record(`${prefix}-other`, account.userId, account.keyId));
    await redis.rpush(USAGE_DRAINING_KEY, other);
    await redis.set(`omz:undrained:${account.userId}`, "9");
    const stale = JSON.stringify(record(`${prefix}-0`, account.userId, account.keyId));
    const pairs = [account.userId, "27"];
    expect(await runScript(redis, DRAIN_RELEASE_SCRIPT, drainReleaseKeys(pairs), [stale, "3", ...pairs])).toBe(0);
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBe("9");
    expect(await redis.lrange(USAGE_DRAINING_KEY, 0, -1)).toEqual([other]);
    // The run that owns it releases it.
    await withDatabase((db) => drainUsage(redis, db));
    expect(await redis.get(`omz:undrained:${account.userId}`)).toBeNull();
    await redis.del(`omz:undrained:${account.userId}`);
  });
});
