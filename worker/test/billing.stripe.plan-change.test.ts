/**
 * Plan changes of a Stripe subscription through the worker and the simulator: an upgrade is charged now with
 * Stripe's proration and grants the new plan's credit in proportion to what was paid, once per invoice; a downgrade
 * charges and grants nothing (the unused time is credit at Stripe for the next invoice); a change made at Stripe
 * (the portal's way: only the item's price moves) reaches the plan through the same webhooks; refunds and disputes
 * of a plan invoice's charge take back that invoice's credit in proportion. Every batch of events is delivered
 * three times, reordered.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptions, users } from "../../db/schema.ts";
import { findPlanOffer } from "../src/catalog/billing-catalog.ts";
import { proportionalCredit } from "../src/lib/money.ts";
import { ensurePlanPrice } from "../src/services/billing/stripe/plan-prices.ts";
import { dashboardFetch } from "./support/dashboard.ts";
import { withDatabase } from "./support/gateway.ts";
import {
  balanceOf,
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
const TEAM_CREDIT = 100_000_000;

async function subscribePro(account: BillingAccount): Promise<{ subscriptionId: string; customer: string }> {
  const checkout = await startCheckout(account, "plan", "pro");
  await submitCheckout(checkout.sessionId, "pay");
  await relayTripleReordered(checkout.customer);
  expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "succeeded" });
  const session = await testStripe().checkout.sessions.retrieve(checkout.sessionId);
  return { subscriptionId: String(session.subscription), customer: checkout.customer };
}

async function changePlan(account: BillingAccount, plan: string) {
  return dashboardFetch("/api/billing/subscription/change", account.token, { method: "POST", body: { plan } });
}

async function planState(userId: string) {
  const [user] = await withDatabase((db) => db.select({ plan: users.plan }).from(users).where(eq(users.id, userId)));
  const [row] = await withDatabase((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, userId)));
  return { plan: user?.plan, rowPlan: row?.plan, rowStatus: row?.status };
}

/** The charge that paid an invoice (basil API: through the invoice payment). */
async function chargeOfInvoice(invoiceId: string): Promise<string> {
  const stripe = testStripe();
  const [payment] = (await stripe.invoicePayments.list({ invoice: invoiceId })).data;
  const intent = await stripe.paymentIntents.retrieve(String(payment?.payment.payment_intent));
  return String(intent.latest_charge);
}

describe("Stripe plan changes", () => {
  it("an upgrade is charged now, prorated, and grants the new plan's credit in proportion, once", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    const before = await testStripe().subscriptions.retrieve(subscriptionId);
    const item = before.items.data[0];
    const response = await changePlan(account, "team");
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      subscription: { plan: string; status: string };
      chargedNowMinor: number;
      currency: string;
    };
    // The plan and row move at once (Stripe's answer); the credit waits for the invoice's event.
    expect(body.subscription).toMatchObject({ plan: "team", status: "active" });
    expect(await planState(account.userId)).toMatchObject({ plan: "team", rowPlan: "team" });
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT);

    const after = await testStripe().subscriptions.retrieve(subscriptionId);
    expect(after.metadata.plan).toBe("team");
    expect(after.items.data[0]?.price.lookup_key).toBe("omnizen_team_monthly_usd_10000");
    expect(after.items.data[0]?.current_period_end).toBe(item?.current_period_end);
    const invoice = await testStripe().invoices.retrieve(String(after.latest_invoice));
    expect(invoice.billing_reason).toBe("subscription_update");
    // Stripe's proration, simplified: the difference for the rest of the period (a few seconds have passed).
    expect(body).toMatchObject({ chargedNowMinor: invoice.amount_paid, currency: "usd" });
    expect(invoice.amount_paid).toBeGreaterThan(79_90);
    expect(invoice.amount_paid).toBeLessThanOrEqual(80_00);

    await relayTripleReordered(customer);
    const upgradeCredit = proportionalCredit(TEAM_CREDIT, invoice.amount_paid, 100_00);
    const ledger = await ledgerOf(account.userId);
    expect(ledger.filter((row) => row.reference === `invoice:${invoice.id}`)).toEqual([
      expect.objectContaining({ kind: "plan_credit", amountMicroUsd: upgradeCredit }),
    ]);
    expect(ledger).toHaveLength(2);
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT + upgradeCredit);
    expect(await planState(account.userId)).toMatchObject({ plan: "team", rowPlan: "team", rowStatus: "active" });

    // Already on team: a conflict, nothing at Stripe.
    const same = await changePlan(account, "team");
    expect(same.status).toBe(409);
    await same.arrayBuffer();
    expect((await testStripe().subscriptions.retrieve(subscriptionId)).latest_invoice).toBe(invoice.id);
  });

  it("a downgrade charges and grants nothing; the next renewal uses the credit Stripe kept", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    expect((await changePlan(account, "team")).status).toBe(200);
    await relayTripleReordered(customer);
    const upgraded = await balanceOf(account.userId);

    const response = await changePlan(account, "pro");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subscription: { plan: string }; chargedNowMinor: number };
    expect(body).toMatchObject({ subscription: { plan: "pro" }, chargedNowMinor: 0 });
    await relayTripleReordered(customer);
    expect(await planState(account.userId)).toMatchObject({ plan: "pro", rowPlan: "pro" });
    expect(await balanceOf(account.userId)).toBe(upgraded);
    expect(await ledgerOf(account.userId)).toHaveLength(2);
    const stripeCustomer = await testStripe().customers.retrieve(customer);
    const kept = "balance" in stripeCustomer ? stripeCustomer.balance : 0;
    expect(kept).toBeLessThan(-79_00);

    // The renewal is paid partly from that balance, and still brings the whole month's pro credit.
    const renewal = await simControl<{ id: string; amount_paid: number; total: number }>(
      `/subscriptions/${subscriptionId}/renew`,
    );
    expect(renewal.total).toBe(20_00);
    expect(renewal.amount_paid).toBe(0);
    await relayTripleReordered(customer);
    expect(await balanceOf(account.userId)).toBe(upgraded + PRO_CREDIT);
  });

  it("two quick changes whose events come late credit the upgrade at the plan it paid for", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    const upgrade = (await (await changePlan(account, "team")).json()) as { chargedNowMinor: number };
    const upgradeInvoice = String((await testStripe().subscriptions.retrieve(subscriptionId)).latest_invoice);
    expect((await changePlan(account, "pro")).status).toBe(200);
    // Every event of both changes arrives only now, three times and reordered: the subscription is on pro again.
    await relayTripleReordered(customer);
    expect(await planState(account.userId)).toMatchObject({ plan: "pro", rowPlan: "pro" });
    const upgradeCredit = proportionalCredit(TEAM_CREDIT, upgrade.chargedNowMinor, 100_00);
    expect(upgradeCredit).toBeGreaterThan(PRO_CREDIT);
    const ledger = await ledgerOf(account.userId);
    expect(ledger.find((row) => row.reference === `invoice:${upgradeInvoice}`)?.amountMicroUsd).toBe(upgradeCredit);
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT + upgradeCredit);
  });

  it("a change made at Stripe (the portal's: only the price moves) sets the plan through the webhooks", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    const team = findPlanOffer("team");
    if (!team) throw new Error("team plan missing");
    const price = await ensurePlanPrice(testStripe(), team);
    const current = await testStripe().subscriptions.retrieve(subscriptionId);
    const updated = await testStripe().subscriptions.update(subscriptionId, {
      items: [{ id: current.items.data[0]?.id ?? "", price }],
      proration_behavior: "always_invoice",
    });
    expect(updated.metadata.plan).toBe("pro");
    await relayTripleReordered(customer);
    expect(await planState(account.userId)).toMatchObject({ plan: "team", rowPlan: "team" });
    const invoice = await testStripe().invoices.retrieve(String(updated.latest_invoice));
    expect(await balanceOf(account.userId)).toBe(
      PRO_CREDIT + proportionalCredit(TEAM_CREDIT, invoice.amount_paid, 100_00),
    );
  });

  it("refuses what it cannot change: no subscription, the free plan, a declined card", async () => {
    const account = await seedBillingAccount();
    const none = await changePlan(account, "team");
    expect(none.status).toBe(404);
    await none.arrayBuffer();
    const { subscriptionId, customer } = await subscribePro(account);
    const free = await changePlan(account, "free");
    expect(free.status).toBe(400);
    await free.arrayBuffer();

    await simControl(`/customers/${customer}/card`, { outcome: "decline" });
    const declined = await changePlan(account, "team");
    expect(declined.status).toBe(402);
    expect(((await declined.json()) as { error: { code: string } }).error.code).toBe("payment_declined");
    const atStripe = await testStripe().subscriptions.retrieve(subscriptionId);
    expect(atStripe.metadata.plan).toBe("pro");
    expect(atStripe.items.data[0]?.price.unit_amount).toBe(20_00);
    await relayTripleReordered(customer);
    expect(await planState(account.userId)).toMatchObject({ plan: "pro", rowPlan: "pro" });
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT);
  });
});

describe("Stripe plan invoice refunds and disputes", () => {
  it("claw back the invoice's credit in proportion, once per refund, for a month and for an upgrade", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    const first = String((await testStripe().subscriptions.retrieve(subscriptionId)).latest_invoice);
    const firstCharge = await chargeOfInvoice(first);
    await simControl("/refunds", { charge: firstCharge, amount: 5_00 });
    await relayTripleReordered(customer);
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT - 5_000_000);

    expect((await changePlan(account, "team")).status).toBe(200);
    await relayTripleReordered(customer);
    const upgrade = await testStripe().invoices.retrieve(
      String((await testStripe().subscriptions.retrieve(subscriptionId)).latest_invoice),
    );
    const upgradeCredit = proportionalCredit(TEAM_CREDIT, upgrade.amount_paid, 100_00);
    expect(await balanceOf(account.userId)).toBe(15_000_000 + upgradeCredit);

    // The upgrade's charge refunded in full, and the rest of the first month's: nothing of either is left.
    await simControl("/refunds", { charge: await chargeOfInvoice(upgrade.id ?? "") });
    await simControl("/refunds", { charge: firstCharge });
    await relayTripleReordered(customer);
    const refunds = (await ledgerOf(account.userId)).filter((row) => row.kind === "refund");
    expect(refunds).toHaveLength(3);
    expect(new Set(refunds.map((row) => row.reference)).size).toBe(3);
    expect(await balanceOf(account.userId)).toBe(0);
  });

  it("a dispute of a plan invoice's charge takes its credit back; a won dispute returns it", async () => {
    const account = await seedBillingAccount();
    const { subscriptionId, customer } = await subscribePro(account);
    const invoice = String((await testStripe().subscriptions.retrieve(subscriptionId)).latest_invoice);
    const charge = await chargeOfInvoice(invoice);
    const dispute = await simControl<{ id: string }>(`/charges/${charge}/dispute`, { amount: 5_00 });
    await relayTripleReordered(customer);
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT - 5_000_000);
    await simControl(`/disputes/${dispute.id}/close`, { status: "won" });
    await relayTripleReordered(customer);
    expect(await balanceOf(account.userId)).toBe(PRO_CREDIT);
    expect((await ledgerOf(account.userId)).map((row) => row.kind).sort()).toEqual([
      "dispute",
      "dispute_reversal",
      "plan_credit",
    ]);
  });
});
