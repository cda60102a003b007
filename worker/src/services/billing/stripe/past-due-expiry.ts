/**
 * Stripe subscriptions past due beyond their grace (`grace_until`, STRIPE_PAST_DUE_GRACE_DAYS after the first failed
 * renewal): the subscription is cancelled at Stripe (so it cannot charge a card for a plan the account no longer
 * has), the row is marked cancelled and the account falls back to free (retention starts, policy 4.3). Run by the
 * hourly cron; a later `customer.subscription.deleted` finds everything done already.
 */
import { and, eq, inArray, isNull, lte } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { subscriptions } from "../../../../../db/schema.ts";
import { endPlan, type PlanChangeDeps } from "../plan-changes.ts";

const PER_RUN = 100;

export async function expirePastDueSubscriptions(
  deps: Omit<PlanChangeDeps, "db"> & { db: Database; stripe: Stripe },
  now: Date,
): Promise<number> {
  const expired = await deps.db
    .select({ id: subscriptions.id, externalId: subscriptions.externalId, userId: subscriptions.userId })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, "stripe"),
        inArray(subscriptions.status, ["past_due", "unpaid"]),
        lte(subscriptions.graceUntil, now),
        isNull(subscriptions.cancelledAt),
      ),
    )
    .limit(PER_RUN);
  for (const row of expired) {
    try {
      await deps.stripe.subscriptions.cancel(row.externalId);
    } catch (error) {
      if ((error as { code?: string }).code !== "resource_missing") throw error;
    }
    await deps.db.transaction(async (transaction) => {
      await transaction
        .update(subscriptions)
        .set({ status: "canceled", cancelledAt: now, updatedAt: now })
        .where(and(eq(subscriptions.id, row.id), isNull(subscriptions.cancelledAt)));
      if (row.userId) await endPlan({ ...deps, db: transaction }, row.userId, now);
    });
  }
  return expired.length;
}
