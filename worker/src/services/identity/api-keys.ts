/**
 * The dashboard's API keys: create (the secret is returned once; only its SHA-256 is stored), list, change and revoke
 * the caller's own keys. Anything that changes what the edge's key record carries is followed by
 * `invalidateKeyRecords`, done by the route.
 */
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys, type ApiKey } from "../../../../db/schema.ts";
import type {
  ApiKey as ApiKeyView,
  CreatedApiKey,
  KeyLimits,
  KeySpendLimit,
  ModelAliases,
} from "../../contracts/keys-api.ts";
import { knownJurisdictions, type Jurisdiction } from "../../catalog/types.ts";
import { isSpendPeriod } from "../../lib/spend-period.ts";
import { GatewayError } from "../../errors.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../../lib/api-key.ts";
import { readAliasMap, validateModelAliases } from "./model-aliases.ts";

/** Active keys an account may hold at once. */
export const MAX_ACTIVE_KEYS = 50;

export interface KeyChanges {
  name?: string | undefined;
  limits?: Partial<KeyLimits> | undefined;
  allowedJurisdictions?: Jurisdiction[] | null | undefined;
  spendLimit?: KeySpendLimit | null | undefined;
  expiresAt?: Date | null | undefined;
  /** Replaces the key's whole alias map (`{}` clears it). */
  modelAliases?: ModelAliases | undefined;
}

/** A key as the dashboard API shows it (contracts/keys-api.ts). Never the secret or its hash. */
export function toApiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    limits: {
      requestsPerMinute: row.requestsPerMinuteLimit,
      tokensPerMinute: row.tokensPerMinuteLimit,
      concurrentRequests: row.concurrentRequestsLimit,
    },
    allowedJurisdictions: knownJurisdictions(row.allowedJurisdictions),
    spendLimit:
      row.spendLimitMicroUsd !== null
        ? {
            amountMicroUsd: row.spendLimitMicroUsd,
            period: isSpendPeriod(row.spendLimitPeriod) ? row.spendLimitPeriod : "none",
          }
        : null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    modelAliases: readAliasMap(row.modelAliases),
  };
}

/** Column values of the spend limit, expiry and model aliases, when given (null clears the first two, {} the last). */
function settingColumns(changes: Pick<KeyChanges, "spendLimit" | "expiresAt" | "modelAliases">): Partial<ApiKey> {
  return {
    ...(changes.spendLimit !== undefined && {
      spendLimitMicroUsd: changes.spendLimit?.amountMicroUsd ?? null,
      spendLimitPeriod: changes.spendLimit?.period ?? null,
    }),
    ...(changes.expiresAt !== undefined && { expiresAt: changes.expiresAt }),
    ...(changes.modelAliases !== undefined && { modelAliases: validateModelAliases(changes.modelAliases) }),
  };
}

/** Column values of the changed limits only (an absent limit is left as it is; null clears it). */
function limitColumns(limits: Partial<KeyLimits> | undefined): Partial<ApiKey> {
  if (!limits) return {};
  return {
    ...(limits.requestsPerMinute !== undefined && { requestsPerMinuteLimit: limits.requestsPerMinute }),
    ...(limits.tokensPerMinute !== undefined && { tokensPerMinuteLimit: limits.tokensPerMinute }),
    ...(limits.concurrentRequests !== undefined && { concurrentRequestsLimit: limits.concurrentRequests }),
  };
}

export async function listApiKeys(db: Database, userId: string): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(toApiKeyView);
}

/** Creates a key; the returned `secret` exists nowhere else. `conflict` (409) past `MAX_ACTIVE_KEYS`. */
export async function createApiKey(
  db: Database,
  userId: string,
  input: { name: string } & Omit<KeyChanges, "name">,
): Promise<CreatedApiKey> {
  const [active] = await db
    .select({ total: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
  if ((active?.total ?? 0) >= MAX_ACTIVE_KEYS) {
    throw new GatewayError("conflict", `An account can hold at most ${MAX_ACTIVE_KEYS} active keys; revoke one first.`);
  }
  const secret = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      userId,
      name: input.name,
      keyHash: await hashApiKey(secret),
      prefix: displayPrefix(secret),
      allowedJurisdictions: input.allowedJurisdictions ?? null,
      ...limitColumns(input.limits),
      ...settingColumns(input),
    })
    .returning();
  if (!row) throw new Error("the key insert returned no row");
  return { ...toApiKeyView(row), secret };
}

/** The caller's key, or `not_found` (404) for an unknown id or another account's key (indistinguishable). */
export async function findOwnApiKey(db: Database, userId: string, keyId: string): Promise<ApiKey> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new GatewayError("not_found", "No such API key.");
  return row;
}

/**
 * Renames a key or changes its limits, jurisdictions, spend limit, expiry or model aliases. A revoked key cannot change
 * (`conflict`); an expired one can (extending its expiry brings it back).
 */
export async function updateApiKey(db: Database, userId: string, keyId: string, changes: KeyChanges): Promise<ApiKey> {
  const current = await findOwnApiKey(db, userId, keyId);
  if (current.revokedAt) throw new GatewayError("conflict", "This key is revoked and can no longer be changed.");
  const columns: Partial<ApiKey> = {
    ...(changes.name !== undefined && { name: changes.name }),
    ...(changes.allowedJurisdictions !== undefined && { allowedJurisdictions: changes.allowedJurisdictions }),
    ...limitColumns(changes.limits),
    ...settingColumns(changes),
  };
  if (Object.keys(columns).length === 0) return current;
  const [row] = await db
    .update(apiKeys)
    .set(columns)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
    .returning();
  if (!row) throw new GatewayError("not_found", "No such API key.");
  return row;
}

/** Revokes a key (idempotent: revoking a revoked key keeps its first `revokedAt`). */
export async function revokeApiKey(db: Database, userId: string, keyId: string): Promise<ApiKey> {
  const current = await findOwnApiKey(db, userId, keyId);
  if (current.revokedAt) return current;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning();
  return row ?? (await findOwnApiKey(db, userId, keyId));
}
