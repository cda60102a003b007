/**
 * Stale Stripe checkouts (cron, every minute): a pending pack or plan payment whose Checkout Session expired, or that
 * never got one (the session call failed after our row was written), is closed as `cancelled`, so the history does
 * not show it pending for ever. Looked at once it is `STALE_AFTER_MS` old, then at most once per `RECHECK_MS` (its
 * `updated_at` moves on each look), `PER_RUN` a run, oldest look first:
 * - no session: cancelled (a session created by a lost response is found by nobody; were it paid anyway, its
 *   `checkout.session.completed` revives the payment, payment-records.ts `fulfilPayment`);
 * - the session re-read from Stripe is `expired` (or Stripe no longer has it): cancelled;
 * - open, or complete and waiting for a delayed payment: left to Stripe (it expires open sessions after 24 hours)
 *   and to its webhooks.
 * `checkout.session.expired` does the same when Stripe sends it (payment-events.ts).
 */
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { payments } from "../../../../../db/schema.ts";
import { cancelPayment } from "./payment-records.ts";

export const STALE_AFTER_MS = 60 * 60 * 1000;
const RECHECK_MS = 60 * 60 * 1000;
const PER_RUN = 20;

export async function closeStaleCheckouts(
  deps: { db: Database; stripe: Stripe },
  now: Date,
  perRun = PER_RUN,
): Promise<number> {
  const stale = await deps.db
    .select({ id: payments.id, sessionId: payments.providerReference })
    .from(payments)
    .where(
      and(
        eq(payments.provider, "stripe"),
        eq(payments.status, "pending"),
        inArray(payments.purpose, ["pack", "plan"]),
        lt(payments.createdAt, new Date(now.getTime() - STALE_AFTER_MS)),
        lt(payments.updatedAt, new Date(now.getTime() - RECHECK_MS)),
      ),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(perRun);
  let closed = 0;
  for (const payment of stale) {
    const status = payment.sessionId ? await sessionStatus(deps.stripe, payment.sessionId) : "missing";
    if (status === "expired" || status === "missing") {
      if (await cancelPayment(deps.db, payment.id, now)) closed += 1;
    } else {
      await deps.db
        .update(payments)
        .set({ updatedAt: now })
        .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")));
    }
  }
  return closed;
}

async function sessionStatus(stripe: Stripe, sessionId: string): Promise<Stripe.Checkout.Session.Status | "missing"> {
  try {
    return (await stripe.checkout.sessions.retrieve(sessionId)).status ?? "open";
  } catch (error) {
    if ((error as { code?: string }).code === "resource_missing") return "missing";
    throw error;
  }
}
