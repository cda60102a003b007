/**
 * Ends every way into an account before its data goes, in an order that is safe to stop and repeat at any point:
 * 1. its keys are marked revoked in Postgres, so a cold miss at the edge can no longer admit them;
 * 2. its Redis entries go (`purgeAccountRedis`): this isolate refuses the keys from the next request on, every other
 *    within its key records' 10 s (hot-path/edge-key-records.ts). The Clerk id is
 *    tombstoned (identity/deleted-users.ts), so a session token still within its lifetime cannot recreate the row;
 * 3. the Clerk user is deleted (404 = already gone);
 * 4. the payment customer is erased (billing hook; skipped until billing exists).
 * Nothing here deletes a Postgres row: the caller does that last, so a failure leaves everything needed to retry.
 */
import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "../../../../db/schema.ts";
import { edgeKeyRecords } from "../hot-path/edge-key-records.ts";
import { markClerkUserDeleted } from "../identity/deleted-users.ts";
import { deleteClerkUser, type ClerkDeletionOutcome } from "./clerk-user-deletion.ts";
import type { AccountSnapshot } from "./load-account-snapshot.ts";
import type { PaymentCustomerErasure, PrivacyDeps } from "./privacy-deps.ts";
import { purgeAccountRedis } from "./purge-account-redis.ts";

export interface AccessClosure {
  redisKeysDeleted: number;
  clerk: ClerkDeletionOutcome | "not-configured" | "no-clerk-user";
  paymentCustomer: PaymentCustomerErasure | "no-billing";
}

/** Throws when a step fails (Clerk: `identity_provider_error`); every step already done stays done. */
export async function closeAccountAccess(
  deps: PrivacyDeps,
  account: AccountSnapshot,
  now: Date,
): Promise<AccessClosure> {
  await deps.db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.userId, account.userId), isNull(apiKeys.revokedAt)));
  const redisKeysDeleted = await purgeAccountRedis(deps.redis, account.userId, account.keys, now);
  // This isolate forgets the keys at once (its edge leases go with them); every other isolate within 10 s.
  for (const key of account.keys) edgeKeyRecords.forget(key.keyHash);
  if (account.clerkUserId) await markClerkUserDeleted(deps.redis, account.clerkUserId);

  let clerk: AccessClosure["clerk"] = "no-clerk-user";
  if (account.clerkUserId)
    clerk = deps.clerk ? await deleteClerkUser(deps.clerk, account.clerkUserId) : "not-configured";

  const paymentCustomer = deps.paymentCustomers
    ? await deps.paymentCustomers.eraseCustomer(account.userId)
    : "no-billing";
  return { redisKeysDeleted, clerk, paymentCustomer };
}
