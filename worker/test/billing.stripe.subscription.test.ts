/**
 * Stripe plan subscriptions through the worker and the simulator: the first invoice activates the plan and grants
 * the month's credit; each renewal grants it once per invoice; a failed renewal leaves the account past due with
 * the plan held until the grace period ends, then free; cancel at period end and resume; the subscription's deletion
 * ends the plan and starts retention. Every batch of events is delivered three times, reordered.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptions, users } from "../../db/schema.ts";
import { STRIPE_PAST_DUE_GRACE_DAYS } from "../src/catalog/billing-catalog.ts";
import { loadConfig } from "../src/env.ts";
import { expirePastDueSubscriptions } from "../src/services/billing/stripe/past-due-expiry.ts";
import { createStripeClient } from "../src/services/billing/stripe/stripe-client.ts";
import { env } from "cloudflare:test";
import { dashboardFetch } from "./support/dashboard.ts";
import { withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";
import {
  ledgerOf,
  paymentRow,
  relayTripleReordered,
  seedBillingAccount,
  simControl,
  startCheckout,
  submitCheckout,
  testStripe,
  type BillingAccount,
} from "./support/stripe.ts";

const PRO_CREDIT = 20_000_000;

async function accountState(userId: string) {
  const [user] = await withDatabase((db) =>
    db
      .select({ plan: users.plan, cancelledAt: users.cancelledAt, balance: users.creditBalanceMicroUsd })
      .from(users)
      .where(eq(users.id, userId)),
  );
  const rows = await withDatabase((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, userId)));
  return { user, subscription: rows[0], subscriptionCount: rows.length };
}

async function subscribe(account: BillingAccount): Promise<{ subscriptionId: string; customer: string }> {
  const checkout = await startCheckout(account, "plan", "pro");
  await submitCheckout(checkout.sessionId, "pay");
  await relayTripleReordered(checkout.customer);
  expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "succeeded", purpose: "plan" });
  const session = await testStripe().checkout.sessions.retrieve(checkout.sessionId);
  return { subscriptionId: String(session.subscription), customer: checkout.customer };
}

describe("Stripe subscriptions", () => {
  it("activates the plan with the month's credit, and credits each renewal once per invoice", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribe(account);
    const stripeSubscription = await testStripe().subscriptions.retrieve(subscriptionId);
    let state = await accountState(account.userId);
    expect(state.user).toMatchObject({ plan: "pro", cancelledAt: null, balance: PRO_CREDIT });
    expect(state.subscription).toMatchObject({
      plan: "pro",
      provider: "stripe",
      externalId: subscriptionId,
      status: "active",
      cancelAtPeriodEnd: false,
      graceUntil: null,
    });
    expect(state.subscription?.currentPeriodEnd?.getTime()).toBe(
      (stripeSubscription.items.data[0]?.current_period_end ?? 0) * 1000,
    );
    expect(state.subscriptionCount).toBe(1);

    const renewal = await simControl<{ id: string }>(`/subscriptions/${subscriptionId}/renew`);
    await relayTripleReordered(customer);
    const ledger = await ledgerOf(account.userId);
    expect(ledger.map((row) => [row.kind, row.amountMicroUsd]).sort()).toEqual([
      ["plan_credit", PRO_CREDIT],
      ["plan_credit", PRO_CREDIT],
    ]);
    expect(ledger.map((row) => row.reference)).toContain(`invoice:${renewal.id}`);
    state = await accountState(account.userId);
    expect(state.user?.balance).toBe(2 * PRO_CREDIT);
    expect(state.subscription?.currentPeriodEnd?.getTime()).toBeGreaterThan(
      (stripeSubscription.items.data[0]?.current_period_end ?? 0) * 1000,
    );

    // A second plan checkout while one is live is refused: plan changes go through the portal.
    const second = await dashboardFetch("/api/billing/stripe/checkout", account.token, {
      method: "POST",
      body: { kind: "plan", productId: "team" },
    });
    expect(second.status).toBe(409);
    await second.arrayBuffer();
    const portal = await dashboardFetch("/api/billing/stripe/portal", account.token, { method: "POST" });
    expect(portal.status).toBe(200);
    expect(((await portal.json()) as { url: string }).url).toMatch(/\/portal\/bps_/);
  });

  it("past due after a failed renewal: the plan holds through the grace period, then the account is free", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribe(account);
    await simControl(`/subscriptions/${subscriptionId}/fail-renewal`);
    await relayTripleReordered(customer);
    let state = await accountState(account.userId);
    expect(state.subscription?.status).toBe("past_due");
    expect(state.user?.plan).toBe("pro");
    const graceUntil = state.subscription?.graceUntil;
    expect(graceUntil).toBeInstanceOf(Date);
    const expectedGrace = Date.now() + STRIPE_PAST_DUE_GRACE_DAYS * 24 * 60 * 60 * 1000;
    expect(Math.abs((graceUntil?.getTime() ?? 0) - expectedGrace)).toBeLessThan(60_000);
    // Only one month's credit: the failed invoice grants nothing.
    expect((await ledgerOf(account.userId)).length).toBe(1);

    const config = loadConfig(env as object);
    const stripe = createStripeClient(config);
    if (!stripe) throw new Error("stripe not configured in tests");
    const background = { waitUntil: (promise: Promise<unknown>) => void promise.catch(() => undefined) };
    const deps = { stripe, redis: testRedis(), background };
    // Within the grace period nothing happens.
    await withDatabase((db) => expirePastDueSubscriptions({ ...deps, db }, new Date()));
    expect((await accountState(account.userId)).user?.plan).toBe("pro");
    const after = new Date((graceUntil?.getTime() ?? 0) + 1000);
    await withDatabase((db) => expirePastDueSubscriptions({ ...deps, db }, after));
    state = await accountState(account.userId);
    expect(state.user?.plan).toBe("free");
    expect(state.user?.cancelledAt?.getTime()).toBe(after.getTime());
    expect(state.subscription).toMatchObject({ status: "canceled" });
    expect((await testStripe().subscriptions.retrieve(subscriptionId)).status).toBe("canceled");
    // Stripe's deletion event, delivered late and thrice: still free; the retention clock keeps the earlier end
    // (Stripe's own cancellation time, which in this test is earlier than the simulated clock of the job).
    await relayTripleReordered(customer);
    state = await accountState(account.userId);
    expect(state.user?.plan).toBe("free");
    expect(state.user?.cancelledAt?.getTime()).toBeLessThanOrEqual(after.getTime());
  });

  it("a renewal paid after a failure clears the grace period", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribe(account);
    await simControl(`/subscriptions/${subscriptionId}/fail-renewal`);
    await relayTripleReordered(customer);
    await simControl(`/subscriptions/${subscriptionId}/renew`);
    await relayTripleReordered(customer);
    const state = await accountState(account.userId);
    expect(state.subscription).toMatchObject({ status: "active", graceUntil: null });
    expect(state.user?.plan).toBe("pro");
  });

  it("cancels at period end and resumes through the API; the deletion ends the plan and starts retention", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribe(account);
    const cancel = await dashboardFetch("/api/billing/subscription/cancel", account.token, { method: "POST" });
    expect(cancel.status).toBe(200);
    const cancelled = (await cancel.json()) as { subscription: { cancelAtPeriodEnd: boolean; status: string } };
    expect(cancelled.subscription).toMatchObject({ cancelAtPeriodEnd: true, status: "active" });
    expect((await testStripe().subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(true);
    await relayTripleReordered(customer);
    expect((await accountState(account.userId)).user?.plan).toBe("pro");

    const resume = await dashboardFetch("/api/billing/subscription/resume", account.token, { method: "POST" });
    expect(((await resume.json()) as { subscription: { cancelAtPeriodEnd: boolean } }).subscription).toMatchObject({
      cancelAtPeriodEnd: false,
    });
    expect((await testStripe().subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(false);

    await testStripe().subscriptions.cancel(subscriptionId);
    await relayTripleReordered(customer);
    const state = await accountState(account.userId);
    expect(state.user?.plan).toBe("free");
    expect(state.user?.cancelledAt).toBeInstanceOf(Date);
    expect(state.subscription).toMatchObject({ status: "canceled" });
    expect(state.subscription?.cancelledAt).toBeInstanceOf(Date);

    const none = await dashboardFetch("/api/billing/subscription/cancel", account.token, { method: "POST" });
    expect(none.status).toBe(404);
    await none.arrayBuffer();
  });
});
