/**
 * Deletion and the prompt-cache switch leave nothing behind, even from requests still in flight: a lease flush that
 * runs after the account was deleted writes nothing (tombstone, privacy/purge-account-redis.ts); records already
 * queued for the usage drain go with the account; turning the prompt cache off deletes the account's entries at
 * once, and a lease flushed after the switch stores none (prompt-cache/account-cache-switch.ts).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/env.ts";
import { runLeaseFlush, type LeaseFlush } from "../src/services/hot-path/lease-flush.ts";
import { createScriptClient } from "../src/services/hot-path/script-client.ts";
import { ALL_USAGE_QUEUE_KEYS } from "../src/services/hot-path/script-keys.ts";
import { deleteAccount } from "../src/services/privacy/delete-account.ts";
import type { QueuedUsage } from "../src/services/request-recorder.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { bearer, chatBody, gatewayFetch, withDatabase } from "./support/gateway.ts";
import { allRedisKeys, seedLinkedAccount, testPrivacyDeps, type LinkedAccount } from "./support/privacy-fixtures.ts";
import { nonce } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

const LATE_USER_AGENT = "late-flush-agent/1.0";

/**
 * The final flush of a lease granted before the deletion or the switch: one finished request with a cache entry to
 * store and a usage record with IP and UA.
 */
function lateFlush(account: { userId: string; keyId: string }, withCache = true): LeaseFlush {
  const requestId = `req_late_${crypto.randomUUID().replaceAll("-", "")}`;
  const usage = {
    request_id: requestId,
    user_id: account.userId,
    api_key_id: account.keyId,
    model: "deepseek/deepseek-flash",
    provider: "deepseek",
    prompt_tokens: 5,
    completion_tokens: 7,
    cached_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    cost_micro_usd: 12,
    price_version: "test",
    usage_source: "provider",
    status: "ok",
    http_status: 200,
    cache_hit: false,
    stream: false,
    latency_ms: 5,
    time_to_first_token_ms: null,
    finish_reason: "stop",
    api_type: "chat",
    created_at: new Date().toISOString(),
    ip: "203.0.113.77",
    user_agent: LATE_USER_AGENT,
    method: "POST",
    path: "/v1/chat/completions",
  } satisfies QueuedUsage;
  return {
    leaseId: `L${crypto.randomUUID()}`,
    flush: 1,
    userId: account.userId,
    keyId: account.keyId,
    window: Math.floor(Date.now() / 60_000),
    spendKey: "",
    keyLimited: false,
    final: true,
    costMicroUsd: usage.cost_micro_usd,
    tokens: 12,
    unusedRequests: 0,
    releaseSlots: [1],
    usage: [usage],
    cache: withCache ? [{ key: `omz:pc:late-${crypto.randomUUID()}`, entry: "encrypted-entry" }] : [],
  };
}

/** The cache entry's key of a flush made by lateFlush. */
const cacheKeyOf = (flush: LeaseFlush) => flush.cache[0]!.key;

const scripts = () => createScriptClient(loadConfig(env as object));
const queued = async () =>
  (await Promise.all(ALL_USAGE_QUEUE_KEYS.map((key) => testRedis().lrange(key, 0, -1)))).flat();
const keysNaming = async (account: LinkedAccount) =>
  (await allRedisKeys()).filter((key) =>
    [account.userId, account.keyId, account.keyHash].some((id) => key.includes(id)),
  );

describe("account deletion and requests in flight", () => {
  it("a lease flushed after the deletion stores no cache entry, queues no usage record and recreates no counter", async () => {
    const account = await seedLinkedAccount();
    const flush = lateFlush(account);
    await withDatabase((db) => deleteAccount(testPrivacyDeps(db), account.userId));

    expect(await runLeaseFlush(scripts(), flush)).toBe(0);
    expect(await testRedis().exists(cacheKeyOf(flush))).toBe(0);
    expect((await queued()).some((item) => item.includes(account.userId))).toBe(false);
    expect(await keysNaming(account)).toEqual([`omz:deleted:${account.userId}`]);
    expect(await testRedis().ttl(`omz:deleted:${account.userId}`)).toBeGreaterThan(15 * 60);
  });

  it("removes the account's queued usage records (IP, user agent) at deletion, and keeps other accounts' records", async () => {
    const [leaving, staying] = [await seedLinkedAccount(), await seedLinkedAccount()];
    for (const account of [leaving, staying]) await runLeaseFlush(scripts(), lateFlush(account, false));
    expect((await queued()).filter((item) => item.includes(LATE_USER_AGENT)).length).toBeGreaterThanOrEqual(2);

    await withDatabase((db) => deleteAccount(testPrivacyDeps(db), leaving.userId));
    const after = await queued();
    expect(after.some((item) => item.includes(leaving.userId))).toBe(false);
    expect(after.some((item) => item.includes(staying.userId))).toBe(true);
  });
});

describe("turning the prompt cache off", () => {
  it("deletes the account's entries at once, and a lease flushed after the switch stores none", async () => {
    const user = await seedDashboardUser();
    const created = (await (
      await dashboardFetch("/api/keys", user.token, { method: "POST", body: { name: "k" } })
    ).json()) as { id: string; secret: string };
    const body = chatBody({ messages: [{ role: "user", content: `n${nonce()} cache me` }] });
    const first = await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(created.secret), body });
    expect(first.headers.get("x-omnizen-cache")).toBe("MISS");
    await first.arrayBuffer();
    const redis = testRedis();
    const index = `omz:pcidx:${user.userId}`;
    let entries: string[] = [];
    for (let attempt = 0; attempt < 100 && entries.length === 0; attempt += 1) {
      entries = await redis.smembers(index);
      if (entries.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(entries.length).toBeGreaterThan(0);
    expect(await redis.exists(...entries)).toBe(entries.length);

    const off = await dashboardFetch("/api/account", user.token, {
      method: "PATCH",
      body: { promptCacheEnabled: false },
    });
    expect(off.status).toBe(200);
    expect(await redis.exists(...entries, index)).toBe(0);

    // Admitted with the cache on, flushed after the switch: nothing is stored.
    const late = lateFlush({ userId: user.userId, keyId: created.id });
    expect(await runLeaseFlush(scripts(), late)).toBe(1);
    expect(await redis.exists(cacheKeyOf(late))).toBe(0);

    // On again: answers are cached again.
    await dashboardFetch("/api/account", user.token, { method: "PATCH", body: { promptCacheEnabled: true } });
    const next = lateFlush({ userId: user.userId, keyId: created.id });
    await runLeaseFlush(scripts(), next);
    expect(await redis.exists(cacheKeyOf(next))).toBe(1);
    await redis.del(cacheKeyOf(next));
  });
});
