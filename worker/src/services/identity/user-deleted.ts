/**
 * The hook run when Clerk reports a user deleted (`user.deleted` webhook): the account is deleted here too (policy 5
 * "Delete", services/privacy/delete-account.ts), and a tombstone keeps a still-valid session token or a late webhook
 * from recreating it.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { eq } from "drizzle-orm";
import { users } from "../../../../db/schema.ts";
import type { Config } from "../../env.ts";
import { createPrivacyDeps } from "../privacy/create-privacy-deps.ts";
import { deleteAccount } from "../privacy/delete-account.ts";
import type { Services } from "../request-services.ts";
import { markClerkUserDeleted } from "./deleted-users.ts";

/**
 * Deletes the account of Clerk user `clerkUserId`, if we have one. Idempotent: a second call finds no row. Throws
 * when the deletion fails, so that the webhook answers 500 and Svix retries (every deletion step is safe to repeat).
 */
export async function onUserDeleted(
  config: Config,
  services: Pick<Services, "database"> & { redis: Redis },
  clerkUserId: string,
): Promise<void> {
  // First, so that nothing recreates the row while the deletion runs.
  await markClerkUserDeleted(services.redis, clerkUserId);
  const db = services.database();
  const rows = await db.select({ userId: users.id }).from(users).where(eq(users.clerkUserId, clerkUserId)).limit(1);
  const userId = rows[0]?.userId;
  if (!userId) return;
  await deleteAccount(createPrivacyDeps(config, db, services.redis), userId);
}
