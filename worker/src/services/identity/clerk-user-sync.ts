/**
 * Copies the Clerk-owned profile fields (name, primary email, primary phone) into our `users` row. Clerk is their
 * source of truth (policy 1.1, "managed via Clerk"); they arrive with the `user.created` / `user.updated` webhooks and
 * with the Backend API's answer to a profile change. Shapes: `UserJSON`, https://clerk.com/docs/reference/backend/types/backend-user
 */
import { sql } from "drizzle-orm";
import * as z from "zod";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";

/** The fields of Clerk's `UserJSON` used here; the rest of the payload is ignored, never stored. */
export const clerkUserJsonSchema = z.object({
  id: z.string().min(1),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  primary_email_address_id: z.string().nullish(),
  email_addresses: z.array(z.object({ id: z.string(), email_address: z.string() })).default([]),
  primary_phone_number_id: z.string().nullish(),
  phone_numbers: z.array(z.object({ id: z.string(), phone_number: z.string() })).default([]),
  /** Unix milliseconds. */
  updated_at: z.number(),
});
export type ClerkUserJson = z.infer<typeof clerkUserJsonSchema>;

export interface ClerkProfile {
  clerkUserId: string;
  /** First and last name joined; null when Clerk has neither. */
  name: string | null;
  email: string | null;
  phone: string | null;
  updatedAt: Date;
}

/** "First Last" from Clerk's two fields, the way Clerk's own `fullName` joins them. */
export function joinName(firstName: string | null | undefined, lastName: string | null | undefined): string | null {
  const joined = [firstName, lastName]
    .map((part) => part?.trim() ?? "")
    .filter((part) => part !== "")
    .join(" ");
  return joined === "" ? null : joined;
}

/** Splits a full name for Clerk's two fields: the last word is the last name, so that `joinName` gives it back. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  if (words.length <= 1) return { firstName: words[0] ?? "", lastName: "" };
  return { firstName: words.slice(0, -1).join(" "), lastName: words.at(-1) ?? "" };
}

export function profileFromClerkUser(user: ClerkUserJson): ClerkProfile {
  const email =
    user.email_addresses.find((address) => address.id === user.primary_email_address_id)?.email_address ?? null;
  const phone = user.phone_numbers.find((number) => number.id === user.primary_phone_number_id)?.phone_number ?? null;
  return {
    clerkUserId: user.id,
    name: joinName(user.first_name, user.last_name),
    email,
    phone,
    updatedAt: new Date(user.updated_at),
  };
}

/**
 * Creates or updates the row of `profile.clerkUserId`. A profile older than the one already applied is skipped, so a
 * late webhook retry never overwrites a newer change. Returns whether the row was written.
 */
export async function applyClerkProfile(db: Database, profile: ClerkProfile): Promise<boolean> {
  const written = await db
    .insert(users)
    .values({
      clerkUserId: profile.clerkUserId,
      name: profile.name,
      email: profile.email,
      phone: profile.phone,
      clerkUpdatedAt: profile.updatedAt,
    })
    .onConflictDoUpdate({
      target: users.clerkUserId,
      set: {
        name: profile.name,
        email: profile.email,
        phone: profile.phone,
        clerkUpdatedAt: profile.updatedAt,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${users.clerkUpdatedAt} IS NULL OR ${users.clerkUpdatedAt} <= ${profile.updatedAt.toISOString()}::timestamptz`,
    })
    .returning({ id: users.id });
  return written.length > 0;
}
