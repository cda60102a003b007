/**
 * The pending re-check (cron, every minute): EPS orders still pending after `MIN_AGE_MS` (the IPN or the return page
 * should have settled them) are verified again, at most `limit` per run, the least recently checked first (each
 * check touches `updated_at`, so a stuck order does not starve the others). An order still not paid after
 * `GIVE_UP_AFTER_MS` is marked failed: EPS sessions do not last that long, and a payment that EPS confirms later
 * is an exception for support, not for this job.
 */
import { and, asc, eq, lt } from "drizzle-orm";
import { payments } from "../../../../../db/schema.ts";
import { closePayment, verifyEpsPayment, type EpsVerificationDeps } from "./eps-verification.ts";

export const PENDING_RECHECK = {
  minAgeMs: 2 * 60 * 1000,
  giveUpAfterMs: 24 * 60 * 60 * 1000,
  limit: 20,
} as const;

export interface RecheckReport {
  checked: number;
  granted: number;
  closed: number;
}

export async function recheckPendingEpsPayments(
  deps: EpsVerificationDeps,
  limit: number = PENDING_RECHECK.limit,
): Promise<RecheckReport> {
  const settledBefore = new Date(deps.now.getTime() - PENDING_RECHECK.minAgeMs);
  const due = await deps.db
    .select({ id: payments.id, merchantReference: payments.merchantReference, createdAt: payments.createdAt })
    .from(payments)
    .where(
      and(
        eq(payments.provider, "eps"),
        eq(payments.status, "pending"),
        lt(payments.createdAt, settledBefore),
        lt(payments.updatedAt, settledBefore),
      ),
    )
    .orderBy(asc(payments.updatedAt))
    .limit(limit);
  const report: RecheckReport = { checked: 0, granted: 0, closed: 0 };
  for (const order of due) {
    await deps.db.update(payments).set({ updatedAt: deps.now }).where(eq(payments.id, order.id));
    report.checked += 1;
    let outcome: string;
    try {
      outcome = (await verifyEpsPayment(deps, order.merchantReference)).outcome;
    } catch (error) {
      // EPS unreachable for this order: try the next one; this one comes back on a later run.
      console.warn(JSON.stringify({ event: "eps-recheck-failed", paymentId: order.id, error: (error as Error).name }));
      continue;
    }
    if (outcome === "granted") report.granted += 1;
    else if (outcome === "failed" || outcome === "cancelled") report.closed += 1;
    else if (outcome === "pending" && deps.now.getTime() - order.createdAt.getTime() > PENDING_RECHECK.giveUpAfterMs) {
      if (await closePayment(deps.db, order.id, "failed")) report.closed += 1;
    }
  }
  return report;
}
