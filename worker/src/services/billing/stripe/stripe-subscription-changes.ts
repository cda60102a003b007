/**
 * Cancel at period end, and resume, for the account's Stripe subscription (`POST /api/billing/subscription/cancel`
 * and `/resume`): Stripe is told first (`cancel_at_period_end`), then our row takes Stripe's answer. The plan stays
 * until the period ends; `customer.subscription.deleted` then moves the account to free.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { subscriptions, type Subscription } from "../../../../../db/schema.ts";
import type { SubscriptionJson } from "../../../contracts/billing-api.ts";
import { GatewayError } from "../../../errors.ts";
import { LIVE_SUBSCRIPTION_STATUSES } from "./checkout.ts";
import { periodEndOf } from "./subscription-sync.ts";

export async function setCancelAtPeriodEnd(
  deps: { db: Database; stripe: Stripe },
  userId: string,
  cancel: boolean,
): Promise<SubscriptionJson> {
  const [row] = await deps.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES])))
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  if (!row) throw new GatewayError("not_found", "The account has no subscription to change.");
  if (row.provider !== "stripe")
    throw new GatewayError("conflict", "An EPS plan is a paid period: it ends on its own unless renewed.");
  const updated = await deps.stripe.subscriptions.update(row.externalId, { cancel_at_period_end: cancel });
  const [saved] = await deps.db
    .update(subscriptions)
    .set({
      cancelAtPeriodEnd: updated.cancel_at_period_end,
      currentPeriodEnd: periodEndOf(updated),
      updatedAt: new Date(),
    })
    .where(eq(subscriptions.id, row.id))
    .returning();
  return subscriptionJson(saved ?? row);
}

/** A subscription row as the billing API shows it (contracts/billing-api.ts). */
export function subscriptionJson(row: Subscription): SubscriptionJson {
  return {
    id: row.id,
    plan: row.plan as SubscriptionJson["plan"],
    provider: row.provider as SubscriptionJson["provider"],
    status: row.status as SubscriptionJson["status"],
    currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    graceUntil: row.graceUntil?.toISOString() ?? null,
    renewalDue: false,
  };
}
