/**
 * Account deletion's billing part (policy 5 and docs/billing.md): the Stripe customer is deleted (its subscription
 * with it), and the account's payments, ledger rows and subscriptions are kept anonymised: no row names the account
 * any more, but the records of the sales stay for the accounts.
 */
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { creditLedger, payments, subscriptions } from "../../db/schema.ts";
import { deleteAccount } from "../src/services/privacy/delete-account.ts";
import { withDatabase } from "./support/gateway.ts";
import { rowsReferencingAccount, testPrivacyDeps } from "./support/privacy-fixtures.ts";
import {
  relayTripleReordered,
  seedBillingAccount,
  startCheckout,
  submitCheckout,
  testStripe,
} from "./support/stripe.ts";

describe("account deletion with Stripe billing", () => {
  it("deletes the Stripe customer and keeps the billing records without the account", async () => {
    const account = await seedBillingAccount();
    const pack = await startCheckout(account, "pack", "pack-5");
    await submitCheckout(pack.sessionId, "pay");
    const plan = await startCheckout(account, "plan", "pro");
    await submitCheckout(plan.sessionId, "pay");
    await relayTripleReordered(pack.customer);
    const subscriptionId = String((await testStripe().checkout.sessions.retrieve(plan.sessionId)).subscription);

    const report = await withDatabase((db) => deleteAccount(testPrivacyDeps(db), account.userId));
    expect(report.access?.paymentCustomer).toBe("deleted");
    expect(report.rowsAnonymised).toMatchObject({ payments: 2, credit_ledger: 2, subscriptions: 1 });
    await expect(testStripe().customers.retrieve(pack.customer)).rejects.toMatchObject({ code: "resource_missing" });
    expect((await testStripe().subscriptions.retrieve(subscriptionId)).status).toBe("canceled");

    const left = await withDatabase((db) => rowsReferencingAccount(db, account.userId));
    for (const [table, rows] of Object.entries(left)) expect(rows, table).toBe(0);
    const kept = await withDatabase(async (db) => ({
      payments: await db
        .select()
        .from(payments)
        .where(inArray(payments.id, [pack.paymentId, plan.paymentId])),
      ledger: await db.select().from(creditLedger).where(eq(creditLedger.paymentId, pack.paymentId)),
      subscriptions: await db.select().from(subscriptions).where(eq(subscriptions.externalId, subscriptionId)),
    }));
    const byAmount = [...kept.payments].sort((a, b) => a.amountMinor - b.amountMinor);
    expect(byAmount.map((row) => [row.userId, row.status, row.amountMinor])).toEqual([
      [null, "succeeded", 5_00],
      [null, "succeeded", 20_00],
    ]);
    expect(kept.ledger.map((row) => [row.userId, row.amountMicroUsd])).toEqual([[null, 5_000_000]]);
    expect(kept.subscriptions.map((row) => row.userId)).toEqual([null]);

    // Stripe's late events about the deleted customer change nothing and fail nothing.
    await relayTripleReordered(pack.customer);
    expect((await withDatabase((db) => rowsReferencingAccount(db, account.userId))).users).toBe(0);

    // A repeated deletion finds nothing to do.
    const again = await withDatabase((db) => deleteAccount(testPrivacyDeps(db), account.userId));
    expect(again.found).toBe(false);
  });
});
