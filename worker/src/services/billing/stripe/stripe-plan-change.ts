/**
 * A plan change of the account's Stripe subscription (`POST /api/billing/subscription/change {plan}`, pro ↔ team;
 * https://docs.stripe.com/billing/subscriptions/change-price). The item's price becomes the plan's Price
 * (plan-prices.ts) and `metadata.plan` follows, with `proration_behavior: always_invoice`: Stripe invoices the
 * proration at once (`billing_reason: subscription_update`), so an upgrade is charged now, as Stripe computes it, and
 * a downgrade's unused time goes to the customer's balance at Stripe (the next invoices use it). With
 * `payment_behavior: error_if_incomplete` a declined card is a 402 `payment_declined` and nothing changes.
 * The subscription row and the plan take Stripe's answer at once (the same sync as the webhook's, so a late event
 * changes nothing); the upgrade's credit comes with `invoice.paid` (subscription-events.ts), never from here.
 */
import { and, desc, eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { subscriptions } from "../../../../../db/schema.ts";
import { findPlanOffer } from "../../../catalog/billing-catalog.ts";
import type { SubscriptionChangeResponse } from "../../../contracts/billing-api.ts";
import { GatewayError } from "../../../errors.ts";
import type { PlanChangeDeps } from "../plan-changes.ts";
import { idOf } from "./event-context.ts";
import { ensurePlanPrice } from "./plan-prices.ts";
import { subscriptionJson } from "./stripe-subscription-changes.ts";
import { planOf, syncSubscription } from "./subscription-sync.ts";

export async function changeStripePlan(
  deps: Omit<PlanChangeDeps, "db"> & { db: Database; stripe: Stripe },
  userId: string,
  planId: string,
): Promise<SubscriptionChangeResponse> {
  const plan = findPlanOffer(planId);
  if (!plan || plan.monthlyPriceUsdCents === 0)
    throw new GatewayError("invalid_request", `No paid plan named '${planId}'.`, { param: "plan" });
  const [row] = await deps.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), eq(subscriptions.status, "active")))
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  if (!row) throw new GatewayError("not_found", "The account has no active subscription to change.");
  if (row.provider !== "stripe")
    throw new GatewayError("conflict", "An EPS plan is a paid period: pay for the other plan instead.");
  const current = await deps.stripe.subscriptions.retrieve(row.externalId);
  const item = current.items.data[0];
  if (current.status !== "active" || !item)
    throw new GatewayError("conflict", "The subscription is not active at Stripe: it cannot change plan now.");
  if (planOf(current) === plan.id) throw new GatewayError("conflict", `The subscription is already on ${plan.id}.`);
  const price = await ensurePlanPrice(deps.stripe, plan);
  let updated: Stripe.Subscription;
  try {
    updated = await deps.stripe.subscriptions.update(current.id, {
      items: [{ id: item.id, price }],
      metadata: { plan: plan.id },
      proration_behavior: "always_invoice",
      payment_behavior: "error_if_incomplete",
    });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError)
      throw new GatewayError("payment_declined", "The card was declined: the plan is unchanged.");
    throw error;
  }
  const invoiceId = idOf(updated.latest_invoice);
  const invoice =
    invoiceId && invoiceId !== idOf(current.latest_invoice) ? await deps.stripe.invoices.retrieve(invoiceId) : null;
  await deps.db.transaction((transaction) =>
    syncSubscription(
      { stripe: deps.stripe, plans: { redis: deps.redis, background: deps.background }, now: new Date() },
      transaction,
      updated,
    ),
  );
  const [saved] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, row.id));
  return {
    subscription: subscriptionJson(saved ?? row),
    chargedNowMinor: invoice?.amount_paid ?? 0,
    currency: "usd",
  };
}
