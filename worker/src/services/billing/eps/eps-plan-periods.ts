/**
 * The EPS plan-period job (cron, hourly): for each EPS subscription that still holds
 * - whose period has ended: in grace (`past_due`, `graceUntil` = end + `EPS_PERIOD.graceDays`) until a renewal
 *   payment extends it; after the grace (or at the period's end when the customer chose not to renew) it expires
 *   and the account returns to free (endPlan, which starts the retention clock), unless another subscription holds;
 * - whose account is still on free (a crash between a grant and activatePlan): activatePlan again.
 * Bounded per run; idempotent.
 */
import { and, eq, gt, inArray, lt, ne } from "drizzle-orm";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../../db/client.ts";
import { subscriptions, users } from "../../../../../db/schema.ts";
import type { SoldPlanId } from "../../../catalog/billing-catalog.ts";
import type { InvalidationScheduler } from "../../identity/key-record-invalidation.ts";
import { activatePlan, endPlan } from "../plan-changes.ts";
import { epsPlanEndsAt, HOLDING_STATUSES } from "./eps-plan-period.ts";

const LIMIT = 100;

export interface PlanPeriodReport {
  inGrace: number;
  ended: number;
  reactivated: number;
}

export async function runEpsPlanPeriods(
  deps: { db: Database; redis: Redis; background: InvalidationScheduler },
  now: Date,
): Promise<PlanPeriodReport> {
  const report: PlanPeriodReport = { inGrace: 0, ended: 0, reactivated: 0 };
  const lapsed = await deps.db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, "eps"),
        inArray(subscriptions.status, [...HOLDING_STATUSES]),
        lt(subscriptions.currentPeriodEnd, now),
      ),
    )
    .limit(LIMIT);
  for (const subscription of lapsed) {
    const endsAt = epsPlanEndsAt(subscription);
    if (!endsAt || !subscription.userId) continue;
    if (endsAt.getTime() > now.getTime()) {
      if (subscription.status === "past_due") continue;
      await deps.db
        .update(subscriptions)
        .set({ status: "past_due", graceUntil: endsAt, updatedAt: now })
        .where(and(eq(subscriptions.id, subscription.id), eq(subscriptions.status, "active")));
      report.inGrace += 1;
      continue;
    }
    const ended = await deps.db
      .update(subscriptions)
      .set({ status: "expired", cancelledAt: endsAt, graceUntil: null, updatedAt: now })
      .where(and(eq(subscriptions.id, subscription.id), inArray(subscriptions.status, [...HOLDING_STATUSES])))
      .returning({ id: subscriptions.id });
    if (ended.length === 0) continue;
    report.ended += 1;
    const [other] = await deps.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.userId, subscription.userId),
          ne(subscriptions.id, subscription.id),
          inArray(subscriptions.status, [...HOLDING_STATUSES]),
        ),
      )
      .limit(1);
    if (!other) await endPlan(deps, subscription.userId, endsAt);
  }

  const misaligned = await deps.db
    .select({ userId: subscriptions.userId, plan: subscriptions.plan })
    .from(subscriptions)
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .where(
      and(
        eq(subscriptions.provider, "eps"),
        inArray(subscriptions.status, [...HOLDING_STATUSES]),
        gt(subscriptions.currentPeriodEnd, now),
        eq(users.plan, "free"),
      ),
    )
    .limit(LIMIT);
  for (const row of misaligned) {
    if (!row.userId) continue;
    await activatePlan(deps, row.userId, row.plan as SoldPlanId);
    report.reactivated += 1;
  }
  return report;
}
