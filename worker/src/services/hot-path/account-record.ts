/**
 * The account record the edge keeps per API key (Redis hash `omz:key:<sha256>`), loaded from Postgres only on a cold
 * miss. It carries everything the admission script needs, so a warm request never touches Postgres.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys, users } from "../../../../db/schema.ts";
import { planLimits } from "../../catalog/plans.ts";
import { accountBalanceSql } from "../usage/post-usage.ts";

/** Who the admission script let in. */
export interface AuthenticatedKey {
  keyId: string;
  userId: string;
  plan: string;
  /** Where this key's requests may be processed: the account's list narrowed by the key's; null = unrestricted. */
  allowedJurisdictions: string[] | null;
}

/** Intersection of two optional allow-lists (null means no restriction). */
export function narrowJurisdictions(account: string[] | null, key: string[] | null): string[] | null {
  if (account === null) return key;
  if (key === null) return account;
  return account.filter((jurisdiction) => key.includes(jurisdiction));
}

export interface AccountRecord {
  userId: string;
  keyId: string;
  plan: string;
  /** Plan limits of the account, and the key's own lower limits (0 = none). */
  limits: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number };
  keyLimits: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number };
  allowedJurisdictions: string[] | null;
  promptCacheEnabled: boolean;
  balanceMicroUsd: number;
}

/** Null when no active key has this hash (unknown or revoked). */
export async function loadAccountRecord(db: Database, keyHash: string): Promise<AccountRecord | null> {
  const rows = await db
    .select({
      keyId: apiKeys.id,
      userId: users.id,
      plan: users.plan,
      revokedAt: apiKeys.revokedAt,
      accountJurisdictions: users.allowedJurisdictions,
      keyJurisdictions: apiKeys.allowedJurisdictions,
      promptCacheEnabled: users.promptCacheEnabled,
      balance: accountBalanceSql,
      keyRequestsPerMinute: apiKeys.requestsPerMinuteLimit,
      keyTokensPerMinute: apiKeys.tokensPerMinuteLimit,
      keyConcurrentRequests: apiKeys.concurrentRequestsLimit,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  const row = rows[0];
  if (!row || row.revokedAt) return null;
  return {
    userId: row.userId,
    keyId: row.keyId,
    plan: row.plan,
    limits: planLimits(row.plan),
    keyLimits: {
      requestsPerMinute: row.keyRequestsPerMinute ?? 0,
      tokensPerMinute: row.keyTokensPerMinute ?? 0,
      concurrentRequests: row.keyConcurrentRequests ?? 0,
    },
    allowedJurisdictions: narrowJurisdictions(row.accountJurisdictions, row.keyJurisdictions),
    promptCacheEnabled: row.promptCacheEnabled,
    balanceMicroUsd: Number(row.balance),
  };
}

/** The record as the admission script's cold-fill argument: fields joined by "|". */
export function encodeRecord(record: AccountRecord | null): string {
  if (!record) return "missing";
  const jurisdictions = record.allowedJurisdictions === null ? "*" : record.allowedJurisdictions.join(",");
  return [
    record.userId,
    record.keyId,
    record.plan,
    record.limits.requestsPerMinute,
    record.limits.tokensPerMinute,
    record.limits.concurrentRequests,
    record.keyLimits.requestsPerMinute,
    record.keyLimits.tokensPerMinute,
    record.keyLimits.concurrentRequests,
    jurisdictions,
    record.promptCacheEnabled ? "1" : "0",
  ].join("|");
}

export function decodeJurisdictions(field: string): string[] | null {
  if (field === "*") return null;
  return field === "" ? [] : field.split(",");
}
