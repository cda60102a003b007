/**
 * Maps a verified session's Clerk user id to our `users` row. The `user.created` webhook normally creates the row
 * first; when the first dashboard request wins the race, the row is created here (email, name and phone arrive with
 * the webhook). A user deleted in Clerk is not recreated (deleted-users.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";
import { GatewayError } from "../../errors.ts";
import { isClerkUserDeleted } from "./deleted-users.ts";

export interface DashboardUser {
  userId: string;
  clerkUserId: string;
  ageConfirmedAt: Date | null;
}

async function findUser(db: Database, clerkUserId: string): Promise<DashboardUser | undefined> {
  const rows = await db
    .select({ userId: users.id, ageConfirmedAt: users.ageConfirmedAt })
    .from(users)
    .where(eq(users.clerkUserId, clerkUserId))
    .limit(1);
  const row = rows[0];
  return row && { userId: row.userId, clerkUserId, ageConfirmedAt: row.ageConfirmedAt };
}

/** The caller's row, created on first sight. Throws `unauthorized_session` for a user deleted in Clerk. */
export async function findOrCreateDashboardUser(
  db: Database,
  redis: Redis,
  clerkUserId: string,
): Promise<DashboardUser> {
  const existing = await findUser(db, clerkUserId);
  if (existing) return existing;
  if (await isClerkUserDeleted(redis, clerkUserId)) {
    throw new GatewayError("unauthorized_session", "This account has been deleted.");
  }
  // ON CONFLICT: the webhook (or a parallel request) may insert the same user between the read and this write.
  await db.insert(users).values({ clerkUserId }).onConflictDoNothing({ target: users.clerkUserId });
  const created = await findUser(db, clerkUserId);
  if (!created) throw new Error("the user row vanished right after it was created");
  return created;
}
