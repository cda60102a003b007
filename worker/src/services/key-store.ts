/**
 * API key lookup for the hot path: Redis first (`omz:key:<sha256>`), Postgres only on a cold miss, after which the
 * record (or its absence) is cached for KEY_CACHE_SECONDS. That is also the bound on how long a revoked key can keep
 * working at the edge until revocation deletes the entry directly (accounts issue).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../db/client.ts";
import { apiKeys, users } from "../../../db/schema.ts";

export const KEY_CACHE_SECONDS = 60;

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

type CachedRecord = AuthenticatedKey | { missing: true };

export const keyCacheKey = (keyHash: string): string => `omz:key:${keyHash}`;

export async function loadKeyFromDatabase(db: Database, keyHash: string): Promise<AuthenticatedKey | null> {
  const rows = await db
    .select({
      keyId: apiKeys.id,
      userId: apiKeys.userId,
      plan: users.plan,
      accountJurisdictions: users.allowedJurisdictions,
      keyJurisdictions: apiKeys.allowedJurisdictions,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  return {
    keyId: row.keyId,
    userId: row.userId,
    plan: row.plan,
    allowedJurisdictions: narrowJurisdictions(row.accountJurisdictions, row.keyJurisdictions),
  };
}

export async function lookupKey(
  redis: Redis,
  keyHash: string,
  loadFromDatabase: () => Promise<AuthenticatedKey | null>,
): Promise<AuthenticatedKey | null> {
  const cached = await redis.get<string>(keyCacheKey(keyHash));
  if (typeof cached === "string") {
    const record = JSON.parse(cached) as CachedRecord;
    return "missing" in record ? null : record;
  }
  const record = await loadFromDatabase();
  const value: CachedRecord = record ?? { missing: true };
  await redis.set(keyCacheKey(keyHash), JSON.stringify(value), { ex: KEY_CACHE_SECONDS });
  return record;
}
