/**
 * Copies a Stripe Subscription, as just re-read from Stripe, into our `subscriptions` row and the account's plan,
 * inside the event's transaction. Stripe's status decides (https://docs.stripe.com/billing/subscriptions/overview):
 * | Stripe status | our status | plan |
 * |---|---|---|
 * | `active`, `trialing` | `active` | the subscription's plan (`planOf`: the item's price, else `metadata.plan`) |
 * | `past_due`, `unpaid`, `paused` | `past_due` / `unpaid` | kept until `grace_until`, then free (past-due-expiry.ts) |
 * | `canceled`, `incomplete_expired` | `canceled` / `expired` | free; `cancelled_at` starts retention (policy 4.3) |
 * | `incomplete` | `incomplete` | unchanged |
 * The account is `metadata.user_id` (set by our checkout). The period end is the items' `current_period_end`
 * (basil-era API: it is no longer on the subscription).
 */
import { and, eq, ne, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { subscriptions, users } from "../../../../../db/schema.ts";
import { STRIPE_PAST_DUE_GRACE_DAYS, type SoldPlanId } from "../../../catalog/billing-catalog.ts";
import { activatePlan, endPlan } from "../plan-changes.ts";
import type { EventContext, Transaction } from "./event-context.ts";
import { isPaidPlan, planOfPrice } from "./plan-prices.ts";

type OurStatus = "active" | "past_due" | "unpaid" | "canceled" | "incomplete" | "expired";

const STATUS: Record<Stripe.Subscription.Status, OurStatus> = {
  active: "active",
  trialing: "active",
  past_due: "past_due",
  unpaid: "unpaid",
  paused: "unpaid",
  canceled: "canceled",
  incomplete: "incomplete",
  incomplete_expired: "expired",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The subscription's plan: its item's price decides (plan-prices.ts: a plan change, ours or the portal's, moves the
 * price), then `metadata.plan` (a checkout's inline price names no plan; our changes keep the metadata in step).
 */
export function planOf(subscription: Stripe.Subscription): SoldPlanId | null {
  const fromPrice = planOfPrice(subscription.items.data[0]?.price);
  if (fromPrice) return fromPrice;
  const plan = subscription.metadata.plan;
  return isPaidPlan(plan) ? plan : null;
}

export function periodEndOf(subscription: Stripe.Subscription): Date | null {
  const ends = subscription.items.data.map((item) => item.current_period_end);
  return ends.length > 0 ? new Date(Math.max(...ends) * 1000) : null;
}

/** Upserts the row and moves the plan; returns the account it belongs to (null: not one of ours, or deleted). */
export async function syncSubscription(
  context: EventContext,
  transaction: Transaction,
  subscription: Stripe.Subscription,
): Promise<string | null> {
  const plan = planOf(subscription);
  const userId = await existingUser(transaction, subscription.metadata.user_id);
  if (!plan) return null;
  const status = STATUS[subscription.status] ?? "incomplete";
  const ended = status === "canceled" || status === "expired";
  const endedAt = ended
    ? new Date((subscription.ended_at ?? subscription.canceled_at ?? context.now.getTime() / 1000) * 1000)
    : null;
  const inGrace = status === "past_due" || status === "unpaid";
  const graceFrom = new Date(context.now.getTime() + STRIPE_PAST_DUE_GRACE_DAYS * DAY_MS);
  const values = {
    plan,
    status,
    currentPeriodEnd: periodEndOf(subscription),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelledAt: endedAt,
    updatedAt: context.now,
  };
  const [row] = await transaction
    .insert(subscriptions)
    .values({
      ...values,
      userId,
      provider: "stripe",
      externalId: subscription.id,
      graceUntil: inGrace ? graceFrom : null,
    })
    .onConflictDoUpdate({
      target: subscriptions.externalId,
      set: {
        ...values,
        cancelledAt: sql`coalesce(${subscriptions.cancelledAt}, ${endedAt})`,
        graceUntil: inGrace ? sql`coalesce(${subscriptions.graceUntil}, ${graceFrom})` : null,
      },
    })
    .returning({ graceUntil: subscriptions.graceUntil });
  if (!userId) return null;
  const deps = { ...context.plans, db: transaction };
  if (status === "active") await activatePlan(deps, userId, plan);
  const graceOver = inGrace && row?.graceUntil && row.graceUntil <= context.now;
  if ((ended || graceOver) && !(await hasOtherActiveSubscription(transaction, userId, subscription.id)))
    await endPlan(deps, userId, endedAt ?? context.now);
  return userId;
}

async function existingUser(transaction: Transaction, userId: string | undefined): Promise<string | null> {
  if (!userId || !/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const [user] = await transaction.select({ id: users.id }).from(users).where(eq(users.id, userId));
  return user?.id ?? null;
}

async function hasOtherActiveSubscription(
  transaction: Transaction,
  userId: string,
  externalId: string,
): Promise<boolean> {
  const [other] = await transaction
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        eq(subscriptions.status, "active"),
        ne(subscriptions.externalId, externalId),
      ),
    )
    .limit(1);
  return Boolean(other);
}
