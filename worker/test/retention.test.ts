/**
 * Retention (policy 1.4 and 4.3) with a controlled clock: operational logs older than 30 days are deleted; an account
 * cancelled more than 30 days ago is anonymised (usage numbers kept without user or key, everything else deleted,
 * Redis and Clerk cleared); newer data is untouched; the work per run is bounded and the next run continues; and
 * the cron trigger runs it through the worker's own `scheduled` handler.
 *
 * The clock is set in 2001, so the tests own every row older than 2002 (cleared before each test).
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/client.ts";
import { requestLogs, usageEvents, users } from "../../db/schema.ts";
import { DEFAULT_RETENTION_LIMITS, runRetention, type RetentionLimits } from "../src/cron/retention.ts";
import worker from "../src/index.ts";
import { clerkRequests } from "./support/dashboard.ts";
import { bearer, chatBody, gatewayFetch, waitForUsageRow, withDatabase } from "./support/gateway.ts";
import {
  allRedisKeys,
  insertBillingRows,
  insertBulkRows,
  rowsReferencingAccount,
  seedLinkedAccount,
  testPrivacyDeps,
  type LinkedAccount,
} from "./support/privacy-fixtures.ts";

const NOW = new Date("2001-06-30T12:00:00Z");
const DAY = 24 * 3600 * 1000;
const daysBefore = (days: number) => new Date(NOW.getTime() - days * DAY);
const TEST_ERA_END = new Date("2002-01-01T00:00:00Z");
const GENEROUS: RetentionLimits = {
  rowsPerStatement: 1_000,
  operationalLogTimeBudgetMs: 60_000,
  accountRowsPerRun: 100_000,
  accountsPerRun: 50,
};

beforeEach(async () => {
  await withDatabase(async (db) => {
    await db.delete(requestLogs).where(lt(requestLogs.createdAt, TEST_ERA_END));
    await db.delete(users).where(or(lt(users.cancelledAt, TEST_ERA_END), lt(users.createdAt, TEST_ERA_END)));
    await db.delete(usageEvents).where(and(isNull(usageEvents.userId), lt(usageEvents.createdAt, TEST_ERA_END)));
  });
});

async function insertLogs(db: Database, userId: string, createdAt: Date[]): Promise<void> {
  await db.insert(requestLogs).values(
    createdAt.map((at, index) => ({
      requestId: `req_retention_${crypto.randomUUID().replaceAll("-", "")}_${index}`,
      userId,
      ip: "198.51.100.4",
      userAgent: "retention-test",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      createdAt: at,
    })),
  );
}

async function cancel(account: LinkedAccount, at: Date): Promise<void> {
  await withDatabase((db) => db.update(users).set({ cancelledAt: at }).where(eq(users.id, account.userId)));
}

async function logTimes(userId: string): Promise<number[]> {
  const rows = await withDatabase((db) =>
    db.select({ at: requestLogs.createdAt }).from(requestLogs).where(eq(requestLogs.userId, userId)),
  );
  return rows.map((row) => row.at.getTime()).sort((left, right) => left - right);
}

async function usageOf(
  requestIdPrefix: string,
): Promise<Array<{ userId: string | null; apiKeyId: string | null; promptTokens: number }>> {
  return withDatabase((db) =>
    db
      .select({ userId: usageEvents.userId, apiKeyId: usageEvents.apiKeyId, promptTokens: usageEvents.promptTokens })
      .from(usageEvents)
      .where(sql`${usageEvents.requestId} LIKE ${`${requestIdPrefix}%`}`),
  );
}

/** The request-id prefix of the bulk usage rows of an account (there is exactly one batch per account here). */
async function bulkPrefix(userId: string): Promise<string> {
  const [row] = await withDatabase((db) =>
    db
      .select({ requestId: usageEvents.requestId })
      .from(usageEvents)
      .where(and(eq(usageEvents.userId, userId), sql`${usageEvents.requestId} LIKE 'req_bulk_%'`))
      .limit(1),
  );
  return (row?.requestId ?? "").replace(/_\d+$/, "_");
}

describe("operational logs (policy 1.4)", () => {
  it("deletes every row older than 30 days in one run, in bounded statements, and keeps the rest", async () => {
    const account = await seedLinkedAccount();
    const cutoff = daysBefore(30).getTime();
    await withDatabase((db) =>
      insertLogs(db, account.userId, [
        ...Array.from({ length: 9 }, (_, index) => new Date(daysBefore(90).getTime() + index * 1000)),
        new Date(cutoff - 1000),
        new Date(cutoff + 1000),
        daysBefore(1),
        new Date(),
      ]),
    );
    const limits: RetentionLimits = { ...GENEROUS, rowsPerStatement: 4 };
    const first = await withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, limits));
    expect(first.operationalLogs).toEqual({ deleted: 10, statements: 3, finished: true });
    expect(first.cutoff).toBe(new Date(cutoff).toISOString());
    expect(await logTimes(account.userId)).toEqual([cutoff + 1000, daysBefore(1).getTime(), expect.any(Number)]);
    const second = await withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, limits));
    expect(second.operationalLogs).toEqual({ deleted: 0, statements: 1, finished: true });
  });

  it(
    "keeps up with any volume: 120,000 due rows are gone after one run with the default limits",
    { timeout: 120_000 },
    async () => {
      const account = await seedLinkedAccount();
      await withDatabase((db) =>
        db.execute(sql`
        INSERT INTO request_logs (request_id, user_id, ip, user_agent, method, path, status, created_at)
        SELECT 'req_volume_' || n, ${account.userId}, '198.51.100.4', 'retention-test', 'POST', '/v1/chat/completions', 200,
               ${daysBefore(40).toISOString()}::timestamptz + n * interval '1 millisecond'
        FROM generate_series(1, 120000) AS n`),
      );
      const report = await withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, DEFAULT_RETENTION_LIMITS));
      expect(report.operationalLogs).toMatchObject({ deleted: 120_000, finished: true });
      expect(await logTimes(account.userId)).toEqual([]);
    },
  );

  it("stops only at its time budget, after at least one statement, and the next run continues", async () => {
    const account = await seedLinkedAccount();
    await withDatabase((db) =>
      insertLogs(
        db,
        account.userId,
        Array.from({ length: 10 }, (_, index) => new Date(daysBefore(60).getTime() + index)),
      ),
    );
    const limits: RetentionLimits = { ...GENEROUS, rowsPerStatement: 4, operationalLogTimeBudgetMs: 0 };
    const first = await withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, limits));
    expect(first.operationalLogs).toEqual({ deleted: 4, statements: 1, finished: false });
    const rest = await withDatabase((db) =>
      runRetention(testPrivacyDeps(db), NOW, { ...limits, operationalLogTimeBudgetMs: 60_000 }),
    );
    expect(rest.operationalLogs).toEqual({ deleted: 6, statements: 2, finished: true });
  });
});

describe("expired accounts (policy 4.3)", () => {
  it("anonymises an account cancelled more than 30 days ago and leaves newer and active ones alone", async () => {
    const expired = await seedLinkedAccount();
    // Real traffic first: a usage row, a log row, the key record and counters in Redis.
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(expired.apiKey),
      body: chatBody(),
    });
    await response.arrayBuffer();
    const liveRow = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    await withDatabase((db) =>
      insertBulkRows(db, expired, { usageRows: 9, logRows: 4, createdAt: "2001-06-20T00:00:00Z" }),
    );
    // A payment, its ledger row and a subscription: kept for the accounts, anonymised (docs/billing.md).
    await withDatabase((db) => insertBillingRows(db, expired));
    const prefix = await bulkPrefix(expired.userId);
    await cancel(expired, daysBefore(31));

    const cancelledRecently = await seedLinkedAccount();
    await withDatabase((db) =>
      insertBulkRows(db, cancelledRecently, { usageRows: 3, logRows: 2, createdAt: "2001-06-20T00:00:00Z" }),
    );
    await cancel(cancelledRecently, daysBefore(29));
    const active = await seedLinkedAccount();
    await withDatabase((db) =>
      insertBulkRows(db, active, { usageRows: 3, logRows: 2, createdAt: "2001-06-20T00:00:00Z" }),
    );
    const untouchedBefore = await withDatabase(async (db) => [
      await rowsReferencingAccount(db, cancelledRecently.userId),
      await rowsReferencingAccount(db, active.userId),
    ]);
    expect((await allRedisKeys()).some((key) => key.includes(expired.keyHash))).toBe(true);

    const report = await withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, GENEROUS));
    expect(report.expiredAccounts).toEqual({
      due: 1,
      ageUnconfirmed: 0,
      completed: 1,
      failed: 0,
      deleted: {
        users: 1,
        api_keys: 1,
        usage_events: 0,
        request_logs: 5,
        subscriptions: 0,
        payments: 0,
        credit_ledger: 0,
      },
      // Billing rows are kept, without the account: the seed's credit (one ledger grant) and the purchase.
      anonymised: {
        users: 0,
        api_keys: 0,
        usage_events: 10,
        request_logs: 0,
        subscriptions: 1,
        payments: 1,
        // The seed's grant and the purchase inserted above.
        credit_ledger: 2,
      },
      finished: true,
    });

    // Nothing references the person any more, anywhere.
    expect(await withDatabase((db) => rowsReferencingAccount(db, expired.userId))).toEqual({
      users: 0,
      api_keys: 0,
      usage_events: 0,
      request_logs: 0,
      // Billing rows are kept anonymised (docs/billing.md): the seed's ledger grant no longer names the person.
      subscriptions: 0,
      payments: 0,
      credit_ledger: 0,
    });
    // Only the tombstone that keeps a late settlement from writing anything (2 hours, the random id alone).
    expect(
      (await allRedisKeys()).filter((key) =>
        [expired.userId, expired.keyId, expired.keyHash].some((id) => key.includes(id)),
      ),
    ).toEqual([`omz:deleted:${expired.userId}`]);
    expect(await clerkRequests(expired.clerkUserId)).toContainEqual(expect.objectContaining({ method: "DELETE" }));
    // The usage numbers stay, without user or key.
    const anonymous = await usageOf(prefix);
    expect(anonymous).toHaveLength(9);
    expect(anonymous.every((row) => row.userId === null && row.apiKeyId === null)).toBe(true);
    expect(anonymous.reduce((total, row) => total + row.promptTokens, 0)).toBe(45);
    const [live] = await withDatabase((db) => db.select().from(usageEvents).where(eq(usageEvents.id, liveRow.id)));
    expect(live).toEqual({ ...liveRow, userId: null, apiKeyId: null, settled: live?.settled });
    // The key is refused.
    const refused = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(expired.apiKey),
      body: chatBody(),
    });
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();

    // Newer cancellations and active accounts are untouched.
    const untouchedAfter = await withDatabase(async (db) => [
      await rowsReferencingAccount(db, cancelledRecently.userId),
      await rowsReferencingAccount(db, active.userId),
    ]);
    expect(untouchedAfter).toEqual(untouchedBefore);
    expect(untouchedAfter[0]).toEqual({
      users: 1,
      api_keys: 1,
      usage_events: 3,
      request_logs: 2,
      subscriptions: 0,
      payments: 0,
      credit_ledger: 1,
    });
  });

  it("bounds the work per run, and the next runs finish it", async () => {
    // No credit, so no ledger row: the row counts below are the usage and log rows alone.
    const big = await seedLinkedAccount({ creditMicroUsd: 0 });
    await withDatabase((db) =>
      insertBulkRows(db, big, { usageRows: 25, logRows: 5, createdAt: "2001-06-20T00:00:00Z" }),
    );
    const bigPrefix = await bulkPrefix(big.userId);
    await cancel(big, daysBefore(40));
    const small = [await seedLinkedAccount({ creditMicroUsd: 0 }), await seedLinkedAccount({ creditMicroUsd: 0 })];
    for (const [index, account] of small.entries()) {
      await withDatabase((db) =>
        insertBulkRows(db, account, { usageRows: 1, logRows: 0, createdAt: "2001-06-20T00:00:00Z" }),
      );
      await cancel(account, daysBefore(35 - index));
    }
    const limits: RetentionLimits = {
      rowsPerStatement: 4,
      operationalLogTimeBudgetMs: 60_000,
      accountRowsPerRun: 12,
      accountsPerRun: 2,
    };
    const run = () => withDatabase((db) => runRetention(testPrivacyDeps(db), NOW, limits));

    // Run 1: the big account's 5 logs, then 7 of its 25 usage rows; its users row stays, so it is due again.
    const first = await run();
    expect(first.expiredAccounts).toMatchObject({ due: 2, completed: 0, finished: false });
    expect(first.expiredAccounts.deleted.request_logs).toBe(5);
    expect(first.expiredAccounts.anonymised.usage_events).toBe(7);
    expect((await usageOf(bigPrefix)).filter((row) => row.userId === null)).toHaveLength(7);
    expect(await withDatabase((db) => rowsReferencingAccount(db, big.userId))).toMatchObject({
      users: 1,
      request_logs: 0,
      usage_events: 18,
    });
    // Its access is closed already: the key is revoked and refused.
    const refused = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(big.apiKey),
      body: chatBody(),
    });
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();

    // Run 2: 12 more usage rows. Run 3: the last 6 and the key, the account is done; then the first small one.
    const second = await run();
    expect(second.expiredAccounts).toMatchObject({ completed: 0, finished: false });
    expect(second.expiredAccounts.anonymised.usage_events).toBe(12);
    const third = await run();
    expect(third.expiredAccounts).toMatchObject({ due: 2, completed: 2, finished: false });
    expect(third.expiredAccounts.anonymised.usage_events).toBe(7);
    // Run 4: the second small account (at most 2 accounts per run); run 5 finds nothing.
    const fourth = await run();
    expect(fourth.expiredAccounts).toMatchObject({ due: 1, completed: 1, finished: true });
    const fifth = await run();
    expect(fifth.expiredAccounts).toMatchObject({ due: 0, completed: 0, finished: true });

    for (const account of [big, ...small]) {
      const left = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
      for (const [table, rows] of Object.entries(left)) expect(rows, table).toBe(0);
    }
    const bigRows = await usageOf(bigPrefix);
    expect(bigRows).toHaveLength(25);
    expect(bigRows.every((row) => row.userId === null)).toBe(true);
  });
});

describe("the cron trigger", () => {
  it("runs retention through the worker's scheduled handler at the trigger's time, and only on its schedule", async () => {
    const active = await seedLinkedAccount();
    const expired = await seedLinkedAccount();
    await cancel(expired, daysBefore(31));
    await withDatabase((db) => insertLogs(db, active.userId, [daysBefore(45), daysBefore(2)]));

    const trigger = async (cron: string) => {
      const context = createExecutionContext();
      worker.scheduled(
        createScheduledController({ scheduledTime: NOW, cron }),
        env as unknown as Record<string, unknown>,
        context,
      );
      await waitOnExecutionContext(context);
    };

    // The every-minute trigger drains usage; it does not run retention.
    await trigger("* * * * *");
    expect(await logTimes(active.userId)).toEqual([daysBefore(45).getTime(), daysBefore(2).getTime()]);
    expect((await withDatabase((db) => rowsReferencingAccount(db, expired.userId))).users).toBe(1);

    await trigger("23 * * * *");
    expect(await logTimes(active.userId)).toEqual([daysBefore(2).getTime()]);
    expect(await withDatabase((db) => rowsReferencingAccount(db, expired.userId))).toEqual({
      users: 0,
      api_keys: 0,
      usage_events: 0,
      request_logs: 0,
      // Billing rows are kept anonymised (docs/billing.md): the seed's ledger grant no longer names the person.
      subscriptions: 0,
      payments: 0,
      credit_ledger: 0,
    });
    const remaining = await withDatabase((db) =>
      db
        .select({ id: users.id })
        .from(users)
        .where(inArray(users.id, [active.userId])),
    );
    expect(remaining).toHaveLength(1);
  });
});
