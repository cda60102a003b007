/**
 * The account profile the dashboard shows and edits (policy 1.1 and 5 "Correct"): Clerk-owned fields (name, email,
 * phone) copied into our row, plan, credit, and the local settings (prompt cache, jurisdictions).
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";
import type { Account } from "../../contracts/account-api.ts";
import { knownJurisdictions, type Jurisdiction } from "../../catalog/types.ts";
import { accountBalanceSql } from "../usage/post-usage.ts";
import { planLimits } from "../../catalog/plans.ts";
import { GatewayError } from "../../errors.ts";

/** GET /api/account: the profile as contracts/account-api.ts describes it. */
export type ProfileView = Account;

/** Fields stored only in our row; `name`, `email` and `phone` too when no Clerk secret is configured (local dev). */
export interface LocalProfileChanges {
  promptCacheEnabled?: boolean | undefined;
  allowedJurisdictions?: Jurisdiction[] | null | undefined;
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export async function readProfile(db: Database, userId: string): Promise<ProfileView> {
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      phone: users.phone,
      plan: users.plan,
      balance: accountBalanceSql,
      promptCacheEnabled: users.promptCacheEnabled,
      allowedJurisdictions: users.allowedJurisdictions,
      ageConfirmedAt: users.ageConfirmedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const row = rows[0];
  if (!row) throw new GatewayError("not_found", "No such account.");
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    plan: row.plan,
    planLimits: planLimits(row.plan),
    balanceMicroUsd: Number(row.balance),
    paymentStatus: "none",
    promptCacheEnabled: row.promptCacheEnabled,
    allowedJurisdictions: knownJurisdictions(row.allowedJurisdictions),
    ageConfirmedAt: row.ageConfirmedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function updateLocalProfile(db: Database, userId: string, changes: LocalProfileChanges): Promise<void> {
  const columns = {
    ...(changes.promptCacheEnabled !== undefined && { promptCacheEnabled: changes.promptCacheEnabled }),
    ...(changes.allowedJurisdictions !== undefined && { allowedJurisdictions: changes.allowedJurisdictions }),
    ...(changes.name !== undefined && { name: changes.name.trim() === "" ? null : changes.name.trim() }),
    ...(changes.email !== undefined && { email: changes.email }),
    ...(changes.phone !== undefined && { phone: changes.phone }),
  };
  if (Object.keys(columns).length === 0) return;
  await db
    .update(users)
    .set({ ...columns, updatedAt: new Date() })
    .where(eq(users.id, userId));
}

/** Records the user's confirmation of being 13 or older (policy 7); the first confirmation's time is kept. */
export async function confirmAge(db: Database, userId: string): Promise<void> {
  const rows = await db
    .select({ ageConfirmedAt: users.ageConfirmedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (rows[0]?.ageConfirmedAt) return;
  await db.update(users).set({ ageConfirmedAt: new Date(), updatedAt: new Date() }).where(eq(users.id, userId));
}
