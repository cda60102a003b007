import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, creditLedger, usageEvents, users } from "../../db/schema.ts";
import { seedAccount, withDatabase } from "./support/gateway.ts";
import { accountBalanceSql, postUsage } from "../src/services/usage/post-usage.ts";

describe("usage posting", () => {
  it("folds costs not yet posted into balances exactly once, in bounded batches, and keeps the balance exact meanwhile", async () => {
    const account = await seedAccount(1_000_000);
    await withDatabase(async (db) => {
      await db.execute(sql`
        INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, cost_micro_usd, price_version, status, http_status, latency_ms)
        SELECT 'settle-' || ${account.userId} || '-' || n, ${account.userId}, ${account.keyId}, 'm', 'p', 7, 'v', 'ok', 200, 1
        FROM generate_series(1, 25) AS n`);
      const balance = async () =>
        Number(
          (await db.select({ balance: accountBalanceSql }).from(users).where(eq(users.id, account.userId)))[0]?.balance,
        );
      expect(await balance()).toBe(1_000_000 - 25 * 7);
      // Small batches: several runs are needed, each bounded, and the balance reads the same throughout. Batches take
      // the oldest unposted rows of every account, so other test files' rows may come first: run until ours are in.
      const unposted = async () =>
        (
          await db
            .select({ id: usageEvents.id })
            .from(usageEvents)
            .where(sql`${usageEvents.userId} = ${account.userId} AND NOT ${usageEvents.settled}`)
        ).length;
      let posted = 0;
      for (let run = 0; run < 1_000 && (await unposted()) > 0; run += 1) posted += await postUsage(db, 1, 10);
      expect(posted).toBeGreaterThanOrEqual(25);
      expect(await balance()).toBe(1_000_000 - 25 * 7);
      const [row] = await db
        .select({ credit: users.creditBalanceMicroUsd })
        .from(users)
        .where(eq(users.id, account.userId));
      expect(row?.credit).toBe(1_000_000 - 25 * 7);
      // The ledger moved with it: the seed's grant, then one usage debit per batch (each 10 rows or fewer).
      const ledger = await db
        .select({ kind: creditLedger.kind, amount: creditLedger.amountMicroUsd, reference: creditLedger.reference })
        .from(creditLedger)
        .where(eq(creditLedger.userId, account.userId));
      expect(ledger.reduce((sum, entry) => sum + entry.amount, 0)).toBe(1_000_000 - 25 * 7);
      const debits = ledger.filter((entry) => entry.kind === "usage");
      expect(debits.length).toBeGreaterThanOrEqual(3);
      expect(debits.every((entry) => entry.amount < 0 && /^usage:\d+$/.test(entry.reference))).toBe(true);
      const unsettled = await db
        .select()
        .from(usageEvents)
        .where(sql`${usageEvents.userId} = ${account.userId} AND NOT ${usageEvents.settled}`);
      expect(unsettled).toEqual([]);
      const [key] = await db
        .select({ lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, account.keyId));
      expect(key?.lastUsedAt).not.toBeNull();
      expect(await postUsage(db)).toBeGreaterThanOrEqual(0);
      expect(await balance()).toBe(1_000_000 - 25 * 7);
    });
  });
});
