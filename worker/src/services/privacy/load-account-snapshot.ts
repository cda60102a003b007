/** What deletion and retention must know about an account before its rows go: its Clerk id and its keys. */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys, users } from "../../../../db/schema.ts";
import type { AccountKeyRef } from "./purge-account-redis.ts";

export interface AccountSnapshot {
  userId: string;
  clerkUserId: string | null;
  /** Every key of the account, revoked or not (a revoked key may still have counters in Redis). */
  keys: AccountKeyRef[];
}

/** Null when there is no such account. */
export async function loadAccountSnapshot(db: Database, userId: string): Promise<AccountSnapshot | null> {
  const [account] = await db
    .select({ clerkUserId: users.clerkUserId })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!account) return null;
  const keys = await db
    .select({ id: apiKeys.id, keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId));
  return { userId, clerkUserId: account.clerkUserId, keys };
}
