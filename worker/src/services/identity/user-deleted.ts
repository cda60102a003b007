/**
 * The hook run when Clerk reports a user deleted (`user.deleted` webhook): the account is deleted here too (policy 5
 * "Delete", services/privacy/delete-account.ts), and a tombstone keeps a still-valid session token or a late webhook
 * from recreating it.
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { users } from "../../../../db/schema.ts";
import type { AppEnv } from "../../app-env.ts";
import { createPrivacyDeps } from "../privacy/create-privacy-deps.ts";
import { deleteAccount } from "../privacy/delete-account.ts";
import { createRedis } from "../redis.ts";
import { markClerkUserDeleted } from "./deleted-users.ts";
import { requestDatabase } from "./request-database.ts";

/**
 * Deletes the account of Clerk user `clerkUserId`, if we have one. Idempotent: a second call finds no row. Throws
 * when the deletion fails, so that the webhook answers 500 and Svix retries (every deletion step is safe to repeat).
 */
export async function onUserDeleted(context: Context<AppEnv>, clerkUserId: string): Promise<void> {
  const config = context.get("config");
  // First, so that nothing recreates the row while the deletion runs.
  await markClerkUserDeleted(createRedis(config), clerkUserId);
  const db = requestDatabase(context);
  const rows = await db.select({ userId: users.id }).from(users).where(eq(users.clerkUserId, clerkUserId)).limit(1);
  const userId = rows[0]?.userId;
  if (!userId) return;
  await deleteAccount(createPrivacyDeps(config, db), userId);
}
