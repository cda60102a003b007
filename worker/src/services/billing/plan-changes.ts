/**
 * Moving an account between plans (a paid period starts, a subscription ends or falls past its grace period). The
 * hot path caches the plan in each key record, so every change invalidates the account's records at once.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";
import type { SoldPlanId } from "../../catalog/billing-catalog.ts";
import { invalidateAccountKeyRecords, type InvalidationScheduler } from "../identity/key-record-invalidation.ts";
import { markSubscriptionEnded, markSubscriptionRenewed } from "./subscription-end.ts";

export interface PlanChangeDeps {
  /** A database handle or a transaction of one (the Stripe webhook changes the plan in its event's transaction). */
  db: Pick<Database, "update" | "select">;
  redis: Redis;
  background: InvalidationScheduler;
}

/** Puts the account on a paid plan (its subscription is active): retention stops counting down. */
export async function activatePlan(deps: PlanChangeDeps, userId: string, plan: SoldPlanId): Promise<void> {
  const changed = await deps.db
    .update(users)
    .set({ plan, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (changed.length === 0) return;
  await markSubscriptionRenewed(deps.db, userId);
  await invalidateAccountKeyRecords(deps.db, deps.redis, userId, deps.background);
}

/**
 * The account's subscription ended at `at` (cancelled, lapsed, or past due beyond grace): back to free, and the
 * retention clock of policy 4.3 starts (an earlier end is kept).
 */
export async function endPlan(deps: PlanChangeDeps, userId: string, at: Date): Promise<void> {
  await deps.db.update(users).set({ plan: "free", updatedAt: new Date() }).where(eq(users.id, userId));
  await markSubscriptionEnded(deps.db, userId, at);
  await invalidateAccountKeyRecords(deps.db, deps.redis, userId, deps.background);
}
