/**
 * Auto top-up: when the balance falls below the account's threshold, the chosen pack is bought once per crossing
 * with an off-session PaymentIntent on the card saved at the first checkout, however many runs race (the cron's
 * scheduled handler and direct calls at once); the credit comes with `payment_intent.succeeded`; declines are
 * counted once each, and `AUTO_TOPUP.maxDeclines` in a row turn auto top-up off.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { payments, users } from "../../db/schema.ts";
import { AUTO_TOPUP } from "../src/catalog/billing-catalog.ts";
import { loadConfig } from "../src/env.ts";
import worker from "../src/index.ts";
import { appendLedgerEntry } from "../src/services/billing/ledger.ts";
import { ATTEMPT_SPACING_MS, runAutoTopups, topUpAccount } from "../src/services/billing/stripe/auto-topup.ts";
import { createStripeClient } from "../src/services/billing/stripe/stripe-client.ts";
import { withDatabase } from "./support/gateway.ts";
import {
  balanceOf,
  relayTripleReordered,
  seedBillingAccount,
  simControl,
  startCheckout,
  submitCheckout,
  takeDeliveries,
  relay,
  type BillingAccount,
} from "./support/stripe.ts";

const stripe = () => {
  const client = createStripeClient(loadConfig(env as object));
  if (!client) throw new Error("stripe not configured in tests");
  return client;
};

async function scheduledRun(): Promise<void> {
  const context = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }),
    env as unknown as Record<string, unknown>,
    context,
  );
  await waitOnExecutionContext(context);
}

/** An account that bought pack-10 by card (so a card is saved), with auto top-up of pack-10 below 5 USD. */
async function accountWithAutoTopup(): Promise<{ account: BillingAccount; customer: string }> {
  const account = await seedBillingAccount();
  const checkout = await startCheckout(account, "pack", "pack-10");
  await submitCheckout(checkout.sessionId, "pay");
  await relayTripleReordered(checkout.customer);
  await withDatabase((db) =>
    db
      .update(users)
      .set({ autoTopupEnabled: true, autoTopupThresholdMicroUsd: 5_000_000, autoTopupPackId: "pack-10" })
      .where(eq(users.id, account.userId)),
  );
  return { account, customer: checkout.customer };
}

async function spend(userId: string, microUsd: number): Promise<void> {
  await withDatabase((db) =>
    appendLedgerEntry(db, {
      userId,
      kind: "adjustment",
      amountMicroUsd: -microUsd,
      reference: `test-spend:${crypto.randomUUID()}`,
    }),
  );
}

async function topUps(userId: string) {
  return withDatabase((db) =>
    db
      .select()
      .from(payments)
      .where(and(eq(payments.userId, userId), eq(payments.purpose, "auto_topup")))
      .orderBy(payments.createdAt),
  );
}

/**
 * Six direct calls and two cron runs, all at once. `later` moves the direct calls' clock past the spacing between
 * attempts (ATTEMPT_SPACING_MS) `later` times; the cron runs keep the real clock.
 */
async function race(userId: string, later = 0): Promise<void> {
  const now = new Date(Date.now() + later * (ATTEMPT_SPACING_MS + 1000));
  await Promise.all([
    ...Array.from({ length: 6 }, () => withDatabase((db) => topUpAccount({ db, stripe: stripe() }, userId, now))),
    scheduledRun(),
    scheduledRun(),
  ]);
}

async function autoTopupState(userId: string) {
  const [user] = await withDatabase((db) =>
    db
      .select({ enabled: users.autoTopupEnabled, declines: users.autoTopupDeclines })
      .from(users)
      .where(eq(users.id, userId)),
  );
  return user;
}

describe("auto top-up", () => {
  it("buys the pack once per crossing under concurrent runs, credited by payment_intent.succeeded", async () => {
    const { account, customer } = await accountWithAutoTopup();
    await race(account.userId);
    expect(await topUps(account.userId)).toEqual([]);
    expect(await takeDeliveries(customer)).toEqual([]);

    await spend(account.userId, 6_000_000);
    await race(account.userId);
    let attempts = await topUps(account.userId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: "pending", amountMinor: 10_00, creditMicroUsd: 10_000_000 });
    const deliveries = await relayTripleReordered(customer);
    expect(deliveries.filter((delivery) => delivery.type === "payment_intent.succeeded")).toHaveLength(1);
    expect(await balanceOf(account.userId)).toBe(14_000_000);
    expect((await topUps(account.userId))[0]?.status).toBe("succeeded");

    // Above the threshold again: nothing more.
    await race(account.userId);
    expect(await topUps(account.userId)).toHaveLength(1);

    // The next crossing buys once more.
    await spend(account.userId, 10_000_000);
    await race(account.userId);
    expect(await topUps(account.userId)).toHaveLength(1);
    await race(account.userId, 1);
    attempts = await topUps(account.userId);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((attempt) => attempt.merchantReference)).size).toBe(2);
    await relayTripleReordered(customer);
    expect(await balanceOf(account.userId)).toBe(14_000_000);
  });

  it("one account's Stripe failure does not stop the run: the next due account is still topped up", async () => {
    const broken = await accountWithAutoTopup();
    const healthy = await accountWithAutoTopup();
    // Stripe no longer knows the first account's customer (listing its cards throws).
    await withDatabase((db) =>
      db
        .update(users)
        .set({ stripeCustomerId: `cus_gone${Date.now()}` })
        .where(eq(users.id, broken.account.userId)),
    );
    await spend(broken.account.userId, 6_000_000);
    await spend(healthy.account.userId, 6_000_000);
    // Both first in the run's order (oldest update first), the broken one before the healthy one.
    for (const [index, userId] of [broken.account.userId, healthy.account.userId].entries()) {
      await withDatabase((db) =>
        db
          .update(users)
          .set({ updatedAt: new Date(Date.UTC(1970, 0, 1, 0, 0, index)) })
          .where(eq(users.id, userId)),
      );
    }
    const requested = await withDatabase((db) => runAutoTopups({ db, stripe: stripe() }));
    expect(requested).toBeGreaterThanOrEqual(1);
    expect((await topUps(healthy.account.userId)).map((payment) => payment.status)).toEqual(["pending"]);
    expect((await topUps(broken.account.userId)).map((payment) => payment.status)).toEqual(["pending"]);
    await relayTripleReordered(healthy.customer);
    expect(await balanceOf(healthy.account.userId)).toBe(14_000_000);
  });

  it("counts each decline once and turns itself off after the maximum", async () => {
    const { account, customer } = await accountWithAutoTopup();
    await simControl(`/customers/${customer}/card`, { outcome: "decline" });
    await spend(account.userId, 6_000_000);
    for (let attempt = 1; attempt <= AUTO_TOPUP.maxDeclines; attempt += 1) {
      // Each retry comes after the spacing between attempts; within it, nothing is tried again.
      await race(account.userId, attempt - 1);
      await race(account.userId, attempt - 1);
      // The failure event, delivered three times, counts nothing more.
      const failed = (await takeDeliveries(customer)).filter((delivery) => delivery.type.startsWith("payment_intent"));
      expect(failed.map((delivery) => delivery.type)).toEqual(["payment_intent.payment_failed"]);
      await relay(failed, 3);
      expect(await autoTopupState(account.userId)).toEqual({
        enabled: attempt < AUTO_TOPUP.maxDeclines,
        declines: attempt,
      });
    }
    await race(account.userId, AUTO_TOPUP.maxDeclines + 1);
    const attempts = await topUps(account.userId);
    expect(attempts).toHaveLength(AUTO_TOPUP.maxDeclines);
    expect(attempts.every((payment) => payment.status === "failed")).toBe(true);
    expect(await balanceOf(account.userId)).toBe(4_000_000);
  });
});
