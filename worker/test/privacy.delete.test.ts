/**
 * Policy 5 "Delete": DELETE /api/account removes the account from Postgres (every schema-derived table), Redis (key
 * records, counters, credit, concurrency slots, prompt-cache entries), and Clerk; the key is refused at once; the
 * confirmation is required; and deleteAccount is safe to retry after a partial failure and a no-op once done.
 */
import { eq } from "drizzle-orm";
import { periodStart, spendBucket } from "../src/lib/spend-period.ts";
import { describe, expect, it } from "vitest";
import { apiKeys, usageEvents, users } from "../../db/schema.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { deletedAccountSchema } from "../src/contracts/privacy-api.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";
import { GatewayError } from "../src/errors.ts";
import { ALL_USAGE_QUEUE_KEYS, usageQueueKey } from "../src/services/hot-path/script-keys.ts";
import { deleteAccount } from "../src/services/privacy/delete-account.ts";
import { expectContract } from "./support/contract.ts";
import { clerkRequests } from "./support/dashboard.ts";
import { bearer, chatBody, gatewayFetch, waitForUsageRow, withDatabase } from "./support/gateway.ts";
import {
  allRedisKeys,
  insertBillingRows,
  rawDashboardFetch,
  rowsReferencingAccount,
  seedLinkedAccount,
  sessionHeaders,
  testPrivacyDeps,
  type LinkedAccount,
} from "./support/privacy-fixtures.ts";
import { nonce } from "./support/simulator.ts";
import { binding, testRedis } from "./support/stand-ins.ts";

async function ask(apiKey: string, content: string): Promise<Response> {
  return gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: bearer(apiKey),
    body: chatBody({ messages: [{ role: "user", content }] }),
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function deleteRequest(headers: Record<string, string>, body: string | undefined): Promise<Response> {
  return rawDashboardFetch(
    "/api/account",
    { ...headers, "content-type": "application/json" },
    { method: "DELETE", ...(body === undefined ? {} : { body }) },
  );
}

/** Redis keys that name the account, its key or the key's hash. */
async function redisKeysOf(account: LinkedAccount): Promise<string[]> {
  return (await allRedisKeys()).filter(
    (key) => key.includes(account.userId) || key.includes(account.keyId) || key.includes(account.keyHash),
  );
}

describe("DELETE /api/account", () => {
  it("deletes the account from Postgres, Redis and Clerk, and the key is refused at once", async () => {
    const account = await seedLinkedAccount();
    const redis = testRedis();

    // Real traffic: a usage row and an operational-log row, the key record, counters, the credit counter, and a
    // prompt-cache entry listed in the account's cache index.
    const first = await ask(account.apiKey, `n${nonce()} remember me`);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const firstRequestId = first.headers.get("x-request-id") ?? "";
    await waitForUsageRow(firstRequestId);
    const cacheEntries = await until(
      () => redis.smembers(`omz:pcidx:${account.userId}`),
      (members) => members.length > 0,
      "the cache index",
    );
    // A request in flight holds concurrency slots.
    await redis.zadd(`omz:cc:${account.userId}`, { score: Date.now() + 60_000, member: "req_in_flight" });
    await redis.zadd(`omz:cck:${account.keyId}`, { score: Date.now() + 60_000, member: "req_in_flight" });
    // The key's spend counters (a key with a spend limit): this month's and last month's.
    const spendCounters = [
      `omz:spend:${account.keyId}:${spendBucket("monthly", Date.now())}`,
      `omz:spend:${account.keyId}:${spendBucket("monthly", (periodStart("monthly", Date.now())?.getTime() ?? 0) - 1)}`,
    ];
    for (const counter of spendCounters) await redis.set(counter, "1234", { px: 60_000 });
    // A usage record still queued (not drained yet) when the account goes.
    const second = await ask(account.apiKey, `n${nonce()} still queued`);
    await second.arrayBuffer();
    const secondRequestId = second.headers.get("x-request-id") ?? "";
    await until(
      () => redis.lrange(usageQueueKey(account.userId), 0, -1),
      (items) => items.some((item) => item.includes(secondRequestId)),
      "the queued record",
    );

    await withDatabase((db) => insertBillingRows(db, account));
    const before = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    for (const [table, rows] of Object.entries(before)) expect(rows, `${table} before`).toBeGreaterThan(0);
    const redisBefore = await redisKeysOf(account);
    for (const expected of [
      `omz:key:${account.keyHash}`,
      `omz:credit:${account.userId}`,
      `omz:pcidx:${account.userId}`,
      `omz:cc:${account.userId}`,
      `omz:cck:${account.keyId}`,
      `omz:undrained:${account.userId}`,
      ...spendCounters,
    ]) {
      expect(redisBefore).toContain(expected);
    }
    expect(redisBefore.some((key) => key.startsWith(`omz:rl:${account.userId}:`))).toBe(true);
    expect(await redis.exists(...cacheEntries)).toBe(cacheEntries.length);

    const session = await sessionHeaders(account.clerkUserId);
    const response = await deleteRequest(session, JSON.stringify({ confirm: `  ${account.email.toUpperCase()} ` }));
    expect(response.status).toBe(200);
    expect(expectContract(deletedAccountSchema, await response.json())).toEqual({ deleted: true });

    // Postgres: nothing in any table that references users.
    const after = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    expect(
      Object.values(after).every((rows) => rows === 0),
      JSON.stringify(after),
    ).toBe(true);
    // Redis: nothing named after the account, its key or its hash but the tombstone that stops late settlements;
    // the cache entries are gone, and so is the usage record still queued (with its IP and user agent).
    expect(await redisKeysOf(account)).toEqual([`omz:deleted:${account.userId}`]);
    const queuedAfter = await Promise.all(ALL_USAGE_QUEUE_KEYS.map((key) => redis.lrange(key, 0, -1)));
    expect(queuedAfter.flat().some((item) => item.includes(account.userId))).toBe(false);
    expect(await redis.exists(...cacheEntries)).toBe(0);
    // Clerk: the user was deleted there.
    expect(await clerkRequests(account.clerkUserId)).toContainEqual(
      expect.objectContaining({ method: "DELETE", path: `/v1/users/${account.clerkUserId}` }),
    );
    // The record queued before the deletion never lands in Postgres.
    await withDatabase((db) => drainUsage(redis, db));
    const resurrected = await withDatabase((db) =>
      db.select({ id: usageEvents.id }).from(usageEvents).where(eq(usageEvents.requestId, secondRequestId)),
    );
    expect(resurrected).toEqual([]);

    // The key is refused on the very next request.
    const refused = await ask(account.apiKey, "after deletion");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");

    // The session outlives the account, but cannot recreate it: a repeated DELETE is refused as signed out.
    const again = await deleteRequest(session, JSON.stringify({ confirm: account.email }));
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("unauthorized_session");
    const recreated = await withDatabase((db) =>
      db.select({ id: users.id }).from(users).where(eq(users.clerkUserId, account.clerkUserId)),
    );
    expect(recreated).toEqual([]);
  });

  it("refuses anything but the account's primary email with a 400 in OpenAI's shape, and deletes nothing", async () => {
    const account = await seedLinkedAccount();
    const session = await sessionHeaders(account.clerkUserId);
    const cases: Array<[string, string | undefined, string]> = [
      ["no body", undefined, "invalid_json"],
      ["not JSON", "confirm=yes", "invalid_json"],
      ["an array", JSON.stringify([account.email]), "invalid_request"],
      ["no confirm", "{}", "invalid_request"],
      ["a number", JSON.stringify({ confirm: 42 }), "invalid_request"],
      ["null", JSON.stringify({ confirm: null }), "invalid_request"],
      ["another email", JSON.stringify({ confirm: "someone-else@omnizen.test" }), "invalid_request"],
      ["the account id", JSON.stringify({ confirm: account.userId }), "invalid_request"],
    ];
    for (const [label, body, code] of cases) {
      const response = await deleteRequest(session, body);
      expect(response.status, label).toBe(400);
      const { error } = expectContract(errorBodySchema, await response.json());
      expect(error, label).toMatchObject({ type: "invalid_request_error", code });
      expect(Object.keys(error).sort(), label).toEqual(["code", "message", "param", "type"]);
      expect(String(error.message), label).not.toContain(account.email);
    }
    const after = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    expect(after.users).toBe(1);
    expect(after.api_keys).toBe(1);
    const [key] = await withDatabase((db) =>
      db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, account.keyId)),
    );
    expect(key?.revokedAt).toBeNull();
    const stillServed = await ask(account.apiKey, "still here");
    expect(stillServed.status).toBe(200);
    await stillServed.arrayBuffer();
  });
});

describe("deleteAccount", () => {
  it("is safe to retry after a partial failure, and a no-op once done", async () => {
    const account = await seedLinkedAccount();
    const warm = await ask(account.apiKey, "warm the key record");
    await waitForUsageRow(warm.headers.get("x-request-id") ?? "");

    // Clerk refuses (401: a wrong secret): the step fails after the keys were revoked and Redis cleared; Postgres
    // still holds everything.
    const failing = await withDatabase((db) => {
      const deps = testPrivacyDeps(db);
      if (!deps.clerk) throw new Error("the test bindings configure Clerk");
      return deleteAccount({ ...deps, clerk: { ...deps.clerk, secretKey: "sk_test_wrong" } }, account.userId).then(
        () => null,
        (error: unknown) => error,
      );
    });
    expect(failing).toBeInstanceOf(GatewayError);
    expect((failing as GatewayError).code).toBe("identity_provider_error");
    const partial = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    expect(partial.users).toBe(1);
    const [key] = await withDatabase((db) =>
      db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, account.keyId)),
    );
    expect(key?.revokedAt).not.toBeNull();
    expect(await testRedis().exists(`omz:key:${account.keyHash}`)).toBe(0);
    const refused = await ask(account.apiKey, "refused while half-deleted");
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();

    // The retry finishes the job.
    const report = await withDatabase((db) => deleteAccount(testPrivacyDeps(db), account.userId));
    expect(report.found).toBe(true);
    expect(report.access?.clerk).toBe("deleted");
    expect(report.access?.paymentCustomer).toBe("already-gone");
    expect(report.rowsDeleted).toMatchObject({ users: 1, api_keys: 1, usage_events: 1, request_logs: 1 });
    const left = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    for (const [table, rows] of Object.entries(left)) expect(rows, table).toBe(0);
    // Including the "missing" marker the refused request left: the final pass after Postgres clears it too.
    expect(await redisKeysOf(account)).toEqual([`omz:deleted:${account.userId}`]);

    // And once more: nothing to do.
    const repeated = await withDatabase((db) => deleteAccount(testPrivacyDeps(db), account.userId));
    expect(repeated).toMatchObject({
      found: false,
      access: null,
      rowsDeleted: { users: 0, api_keys: 0, usage_events: 0, request_logs: 0 },
    });
  });

  it("counts a Clerk user that is already gone (404) as done, and skips Clerk when it is not configured", async () => {
    const gone = await seedLinkedAccount();
    const clerkDelete = await fetch(`${binding("CLERK_API_URL")}/v1/users/${gone.clerkUserId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${binding("CLERK_SECRET_KEY")}` },
    });
    expect(clerkDelete.status).toBe(200);
    const report = await withDatabase((db) => deleteAccount(testPrivacyDeps(db), gone.userId));
    expect(report.access?.clerk).toBe("already-gone");

    const local = await seedLinkedAccount();
    const withoutClerk = await withDatabase((db) =>
      deleteAccount({ ...testPrivacyDeps(db), clerk: null }, local.userId),
    );
    expect(withoutClerk.access?.clerk).toBe("not-configured");
    expect(withoutClerk.rowsDeleted.users).toBe(1);
    expect(await clerkRequests(local.clerkUserId)).toEqual([]);
  });

  it("calls the payment-customer hook when billing provides one", async () => {
    const account = await seedLinkedAccount();
    const erased: string[] = [];
    const report = await withDatabase((db) =>
      deleteAccount(
        {
          ...testPrivacyDeps(db),
          paymentCustomers: { eraseCustomer: async (userId) => (erased.push(userId), "deleted") },
        },
        account.userId,
      ),
    );
    expect(erased).toEqual([account.userId]);
    expect(report.access?.paymentCustomer).toBe("deleted");
  });
});
