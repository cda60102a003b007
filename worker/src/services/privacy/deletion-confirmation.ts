/**
 * What a user types to confirm deleting the account: its primary email address (compared without case or
 * surrounding spaces). An account without an email (Clerk allows phone-only sign-up) confirms with its phone number,
 * and one with neither with its account id, so that every account can be deleted.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";

export type ConfirmationCheck = "confirmed" | "mismatch" | "no-account";

const normalise = (value: string) => value.trim().toLowerCase();

export async function checkDeletionConfirmation(
  db: Database,
  userId: string,
  confirmation: string,
): Promise<ConfirmationCheck> {
  const [account] = await db
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!account) return "no-account";
  const expected = account.email || account.phone || userId;
  return normalise(confirmation) === normalise(expected) ? "confirmed" : "mismatch";
}
