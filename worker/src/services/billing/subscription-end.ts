/**
 * The hook billing calls when a subscription ends or is renewed: `users.cancelled_at` is what retention (policy 4.3,
 * cron/retention.ts) counts its 30 days from. Both are idempotent and safe to call from webhook retries.
 */
import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";

/** A database handle or a transaction of one (a webhook changes the plan in its event's transaction). */
export type UserUpdateDatabase = Pick<Database, "update">;

/**
 * Records that the account's subscription ended (cancelled, or lapsed without renewal) at `at`. An account already
 * marked keeps the earlier time, so a repeated or late "ended" event never pushes retention back. Returns whether
 * the row changed.
 */
export async function markSubscriptionEnded(db: UserUpdateDatabase, userId: string, at: Date): Promise<boolean> {
  const changed = await db
    .update(users)
    .set({ cancelledAt: at })
    .where(and(eq(users.id, userId), or(isNull(users.cancelledAt), gt(users.cancelledAt, at))))
    .returning({ id: users.id });
  return changed.length > 0;
}

/** Records that the account is subscribed again: retention no longer counts down. Returns whether the row changed. */
export async function markSubscriptionRenewed(db: UserUpdateDatabase, userId: string): Promise<boolean> {
  const changed = await db
    .update(users)
    .set({ cancelledAt: null })
    .where(and(eq(users.id, userId), isNotNull(users.cancelledAt)))
    .returning({ id: users.id });
  return changed.length > 0;
}
