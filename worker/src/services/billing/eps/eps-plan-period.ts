/**
 * EPS plans are paid periods (EPS has no recurring billing): a plan payment opens or extends the account's EPS
 * subscription by `EPS_PERIOD.days`; a renewal is a new payment that extends from the current period's end (so days
 * used in grace are paid for); a payment for another plan ends the old period at once and opens a new one (the rest
 * of the old period is not refunded). Cancelling means not renewing (`cancelAtPeriodEnd`; nothing to call at EPS).
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { subscriptions, type Subscription } from "../../../../../db/schema.ts";
import { EPS_PERIOD, type SoldPlanId } from "../../../catalog/billing-catalog.ts";
import type { Database } from "../../../../../db/client.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Subscription statuses during which an EPS plan holds (past_due: in its grace period). */
export const HOLDING_STATUSES = ["active", "past_due"] as const;

/** A transaction of the database (drizzle's `db.transaction(tx => ...)`). */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** The account's EPS subscription that still holds, locked for the transaction; undefined when none. */
async function currentEpsSubscription(tx: Transaction, userId: string): Promise<Subscription | undefined> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        eq(subscriptions.provider, "eps"),
        inArray(subscriptions.status, [...HOLDING_STATUSES]),
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(1)
    .for("update");
  return row;
}

/** Opens or extends the paid period for a plan payment; returns the period's new end. */
export async function extendEpsPeriod(
  tx: Transaction,
  input: { userId: string; plan: SoldPlanId; merchantReference: string; now: Date },
): Promise<Date> {
  const current = await currentEpsSubscription(tx, input.userId);
  if (current && current.plan === input.plan && current.currentPeriodEnd) {
    const end = new Date(current.currentPeriodEnd.getTime() + EPS_PERIOD.days * DAY_MS);
    await tx
      .update(subscriptions)
      .set({
        status: "active",
        currentPeriodEnd: end,
        graceUntil: null,
        cancelAtPeriodEnd: false,
        updatedAt: input.now,
      })
      .where(eq(subscriptions.id, current.id));
    return end;
  }
  if (current) {
    await tx
      .update(subscriptions)
      .set({ status: "canceled", cancelledAt: input.now, graceUntil: null, updatedAt: input.now })
      .where(eq(subscriptions.id, current.id));
  }
  const end = new Date(input.now.getTime() + EPS_PERIOD.days * DAY_MS);
  await tx.insert(subscriptions).values({
    userId: input.userId,
    plan: input.plan,
    provider: "eps",
    externalId: input.merchantReference,
    status: "active",
    currentPeriodEnd: end,
  });
  return end;
}

/**
 * Whether an EPS subscription's renewal is due (`renewalDue` of GET /api/billing): it holds, will not be left to
 * lapse on purpose, and its period ends within `EPS_PERIOD.reminderDays` or has ended (grace).
 */
export function epsRenewalDue(subscription: Subscription, now: Date): boolean {
  if (subscription.provider !== "eps" || subscription.cancelAtPeriodEnd || !subscription.currentPeriodEnd) return false;
  if (!(HOLDING_STATUSES as readonly string[]).includes(subscription.status)) return false;
  return subscription.currentPeriodEnd.getTime() - EPS_PERIOD.reminderDays * DAY_MS <= now.getTime();
}

/** When the plan stops holding: the period's end when not renewing on purpose, else the end of the grace period. */
export function epsPlanEndsAt(subscription: Subscription): Date | null {
  if (!subscription.currentPeriodEnd) return null;
  const graceMs = subscription.cancelAtPeriodEnd ? 0 : EPS_PERIOD.graceDays * DAY_MS;
  return new Date(subscription.currentPeriodEnd.getTime() + graceMs);
}

/**
 * Cancel (`cancelAtPeriodEnd: true`: the plan ends with the paid period, no grace) or resume the account's EPS
 * subscription. Returns the subscription after the change, or null when the account has none that holds.
 */
export async function setEpsRenewal(
  db: Database,
  userId: string,
  cancelAtPeriodEnd: boolean,
): Promise<Subscription | null> {
  const [row] = await db
    .update(subscriptions)
    .set({ cancelAtPeriodEnd, updatedAt: new Date() })
    .where(
      and(
        eq(subscriptions.userId, userId),
        eq(subscriptions.provider, "eps"),
        inArray(subscriptions.status, [...HOLDING_STATUSES]),
        sql`${subscriptions.currentPeriodEnd} > now()`,
      ),
    )
    .returning();
  return row ?? null;
}
