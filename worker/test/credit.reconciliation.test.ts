/**
 * The ledger made whole (docs/credit.md, "Reconciliation"; docs/billing.md, "The ledger"): after grants, real requests
 * through the gateway, the usage drain and posting, an account's balance column equals the sum of its ledger rows and
 * the hot path's counter equals the Postgres balance. Reconciliation finds and reports forced drift, fixes a drifted
 * counter only at a quiet moment, and walks every account in bounded pages.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { creditLedger, users } from "../../db/schema.ts";
import { reconcileCredit, RECONCILE_CURSOR_KEY } from "../src/cron/reconcile-credit.ts";
import { postCreditEntry } from "../src/services/billing/ledger.ts";
import { reconcileAccounts } from "../src/services/billing/reconciliation.ts";
import type { ScriptClient } from "../src/services/hot-path/script-client.ts";
import { accountBalanceSql, postUsage } from "../src/services/usage/post-usage.ts";
import {
  bearer,
  chatBody,
  forgetEdgeState,
  gatewayFetch,
  seedAccount,
  waitForUsageRow,
  withDatabase,
} from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

async function snapshot(userId: string) {
  return withDatabase(async (db) => {
    const [user] = await db
      .select({ column: users.creditBalanceMicroUsd, balance: accountBalanceSql })
      .from(users)
      .where(eq(users.id, userId));
    const rows = await db
      .select({ kind: creditLedger.kind, amount: creditLedger.amountMicroUsd, reference: creditLedger.reference })
      .from(creditLedger)
      .where(eq(creditLedger.userId, userId));
    return {
      column: Number(user?.column),
      balance: Number(user?.balance),
      ledgerSum: rows.reduce((sum, row) => sum + row.amount, 0),
      rows,
      counter: await testRedis().get<string>(`omz:credit:${userId}`),
    };
  });
}

const reconcile = (userIds: string[]) => withDatabase((db) => reconcileAccounts({ db, scripts: testRedis() }, userIds));

async function spend(apiKey: string, times: number): Promise<number> {
  let cost = 0;
  for (let index = 0; index < times; index += 1) {
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: { ...bearer(apiKey), "cache-control": "no-store" },
      body: chatBody({ max_tokens: 200 }),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    cost += (await waitForUsageRow(response.headers.get("x-request-id") ?? "")).costMicroUsd;
  }
  return cost;
}

/** The account's usage drained and its reservations settled: what a quiet moment is. */
async function quiet(userId: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const held = await testRedis().hlen(`omz:resv:${userId}`);
    const undrained = Number((await testRedis().get(`omz:undrained:${userId}`)) ?? 0);
    if (held === 0 && undrained === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the account never became quiet");
}

describe("credit reconciliation", () => {
  it("after grants, requests, drain and posting: balance = sum of ledger rows = the hot path's counter", async () => {
    const account = await seedAccount(1_000_000);
    const spentBefore = await spend(account.apiKey, 2);
    // A top-up while the counter is live: it reaches the hot path at once (the counter is derived again).
    await withDatabase((db) =>
      postCreditEntry(
        { db, scripts: testRedis() },
        { userId: account.userId, kind: "purchase", amountMicroUsd: 500_000, reference: `test-pack:${account.userId}` },
      ),
    );
    // The isolate's lease from before the top-up may still admit the next requests from its hold, and then no grant
    // derives the counter again: let it go (as its quiet time would), so the next request is granted against Postgres.
    forgetEdgeState();
    const spentAfter = await spend(account.apiKey, 3);
    await quiet(account.userId);
    expect(await withDatabase((db) => postUsage(db))).toBeGreaterThanOrEqual(0);

    const state = await snapshot(account.userId);
    const expected = 1_500_000 - spentBefore - spentAfter;
    expect(state.column).toBe(expected);
    expect(state.ledgerSum).toBe(expected);
    expect(state.balance).toBe(expected);
    // One promotion (the seed), one purchase, and usage debits, one per account per posted batch.
    expect(state.rows.filter((row) => row.kind === "usage").length).toBeGreaterThanOrEqual(1);
    for (const row of state.rows.filter((entry) => entry.kind === "usage")) {
      expect(row.reference).toMatch(/^usage:\d+$/);
      expect(row.amount).toBeLessThan(0);
    }

    const result = await reconcile([account.userId]);
    expect(result).toMatchObject({ accounts: 1, ledgerDrifts: [], counterDrifts: [], countersChecked: 1 });
    expect(Number(state.counter)).toBe(expected);
  });

  it("reports forced drift: a balance moved outside the ledger, and a wrong counter (fixed at a quiet moment)", async () => {
    const account = await seedAccount(2_000_000);
    await spend(account.apiKey, 1);
    await quiet(account.userId);
    const before = await snapshot(account.userId);

    // A write that bypasses the ledger: reported, not fixed (which side is wrong needs a person).
    await withDatabase((db) =>
      db.execute(
        sql`UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd + 7 WHERE id = ${account.userId}`,
      ),
    );
    // A counter that went wrong (lost settlement, a bug): set to the Postgres balance.
    await testRedis().set(`omz:credit:${account.userId}`, String(before.balance + 12_345), { keepTtl: true });

    const result = await reconcile([account.userId]);
    expect(result.ledgerDrifts).toEqual([
      { userId: account.userId, balanceColumnMicroUsd: before.column + 7, ledgerSumMicroUsd: before.ledgerSum },
    ]);
    expect(result.counterDrifts).toEqual([
      { userId: account.userId, counterMicroUsd: before.balance + 12_345, expectedMicroUsd: before.balance + 7 },
    ]);
    expect(Number(await testRedis().get(`omz:credit:${account.userId}`))).toBe(before.balance + 7);
    expect(await testRedis().pttl(`omz:credit:${account.userId}`)).toBeGreaterThan(0);

    // The forced write undone: no drift left.
    await withDatabase((db) =>
      db.execute(
        sql`UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd - 7 WHERE id = ${account.userId}`,
      ),
    );
    await testRedis().del(`omz:credit:${account.userId}`);
    expect(await reconcile([account.userId])).toMatchObject({ ledgerDrifts: [], counterDrifts: [] });
  });

  it("leaves a busy counter alone (a reservation in flight, usage undrained, a drain during the read)", async () => {
    const account = await seedAccount(1_000_000);
    await spend(account.apiKey, 1);
    await quiet(account.userId);
    const { balance } = await snapshot(account.userId);
    const redis = testRedis();
    await redis.set(`omz:credit:${account.userId}`, String(balance - 50_000), { keepTtl: true });

    await redis.hset(`omz:resv:${account.userId}`, { "in-flight": `50000:${Date.now() + 60_000}` });
    expect(await reconcile([account.userId])).toMatchObject({ countersBusy: 1, countersChecked: 0, counterDrifts: [] });
    await redis.del(`omz:resv:${account.userId}`);

    await redis.set(`omz:undrained:${account.userId}`, "50000");
    expect(await reconcile([account.userId])).toMatchObject({ countersBusy: 1, counterDrifts: [] });
    await redis.del(`omz:undrained:${account.userId}`);
    expect(Number(await redis.get(`omz:credit:${account.userId}`))).toBe(balance - 50_000);

    // An expired reservation (a crashed isolate's) is dropped, as a fill drops it; then the counter is checked.
    await redis.hset(`omz:resv:${account.userId}`, { crashed: `50000:${Date.now() - 1}` });
    const result = await reconcile([account.userId]);
    expect(result.counterDrifts).toEqual([
      { userId: account.userId, counterMicroUsd: balance - 50_000, expectedMicroUsd: balance },
    ]);
    expect(await redis.hlen(`omz:resv:${account.userId}`)).toBe(0);
  });

  it("checks no counter when the drain generation moved during the Postgres read", async () => {
    const account = await seedAccount(1_000_000);
    await spend(account.apiKey, 1);
    await quiet(account.userId);
    await testRedis().set(`omz:credit:${account.userId}`, "1", { keepTtl: true });
    // A drain lands right after the generation is read, during the Postgres read: bump it as the drain's release does.
    const redis = testRedis();
    let calls = 0;
    const afterCall = async (reply: unknown) => {
      calls += 1;
      if (calls === 1) await redis.incr("omz:usage:gen");
      return reply;
    };
    const scripts: ScriptClient = {
      evalsha: async (digest, keys, args) => afterCall(await redis.evalsha(digest, keys, args)),
      eval: async (source, keys, args) => afterCall(await redis.eval(source, keys, args)),
    };
    const result = await withDatabase((db) => reconcileAccounts({ db, scripts }, [account.userId]));
    expect(result).toMatchObject({ generationMoved: true, countersChecked: 0, counterDrifts: [] });
    expect(await testRedis().get(`omz:credit:${account.userId}`)).toBe("1");
  });

  it("walks every account in bounded pages, reporting a run that found drift", async () => {
    const account = await seedAccount(1_000_000);
    await withDatabase((db) =>
      db.execute(
        sql`UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd + 1 WHERE id = ${account.userId}`,
      ),
    );
    await testRedis().del(RECONCILE_CURSOR_KEY);
    const reports: Error[] = [];
    let found = false;
    let accounts = 0;
    for (let run = 0; run < 1_000; run += 1) {
      const report = await withDatabase((db) =>
        reconcileCredit({ db, redis: testRedis(), reportDrift: (error) => reports.push(error) }, 200),
      );
      expect(report.accounts).toBeLessThanOrEqual(200);
      accounts += report.accounts;
      if (report.ledgerDrifts > 0) found = true;
      if (report.wrapped) break;
    }
    expect(found).toBe(true);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]?.name).toBe("CreditDriftError");
    const total = await withDatabase(
      async (db) => (await db.execute(sql`SELECT count(*)::int AS n FROM users`)).rows[0],
    );
    expect(accounts).toBeGreaterThanOrEqual(Number((total as { n: number }).n) - 10);
    expect(await testRedis().get(RECONCILE_CURSOR_KEY)).toBeNull();
    await withDatabase((db) =>
      db.execute(
        sql`UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd - 1 WHERE id = ${account.userId}`,
      ),
    );
  });
});
