/**
 * The account record the edge keeps per API key (Redis hash `omz:key:<sha256>`), loaded from Postgres only on a cold
 * miss. It carries everything the admission script needs, so a warm request never touches Postgres.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys, users } from "../../../../db/schema.ts";
import { planLimits } from "../../catalog/plans.ts";
import { isSpendPeriod, SPEND_PERIOD_CODE, type SpendPeriod } from "../../lib/spend-period.ts";
import { readAliasMap } from "../identity/model-aliases.ts";
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
  /** The key's own spend limit per calendar period (UTC), or null. */
  spendLimit: { amountMicroUsd: number; period: SpendPeriod } | null;
  /** The key's usage cost already in Postgres for the current period (a floor for the Redis spend counter). */
  periodSpendMicroUsd: number;
  /** When the key stops working (epoch ms), or null. */
  expiresAtMs: number | null;
  /** The key's model aliases (alias -> catalog id), read by key-aliases.ts only for a model id not in the catalog. */
  modelAliases: Record<string, string>;
}

/**
 * The key's usage cost in Postgres since the start of its current spend period (UTC, as lib/spend-period.ts); 0
 * without a limit, and then not even read (CASE evaluates the subquery only when needed).
 */
const periodSpendSql = sql<number>`(CASE WHEN api_keys.spend_limit_micro_usd IS NULL THEN 0 ELSE coalesce((
  SELECT sum(cost_micro_usd) FROM usage_events WHERE usage_events.api_key_id = api_keys.id
  AND usage_events.created_at >= CASE api_keys.spend_limit_period
    WHEN 'daily' THEN date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    WHEN 'weekly' THEN date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    WHEN 'monthly' THEN date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    ELSE '-infinity'::timestamptz END), 0) END)::bigint`;

/** Null when no active key has this hash (unknown or revoked). An expired key has a record: admission refuses it. */
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
      spendLimit: apiKeys.spendLimitMicroUsd,
      spendPeriod: apiKeys.spendLimitPeriod,
      periodSpend: periodSpendSql,
      expiresAt: apiKeys.expiresAt,
      modelAliases: apiKeys.modelAliases,
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
    spendLimit:
      row.spendLimit !== null && row.spendLimit > 0
        ? { amountMicroUsd: row.spendLimit, period: isSpendPeriod(row.spendPeriod) ? row.spendPeriod : "none" }
        : null,
    periodSpendMicroUsd: Number(row.periodSpend),
    expiresAtMs: row.expiresAt?.getTime() ?? null,
    modelAliases: readAliasMap(row.modelAliases),
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
    record.spendLimit?.amountMicroUsd ?? 0,
    record.spendLimit ? SPEND_PERIOD_CODE[record.spendLimit.period] : "",
    record.expiresAtMs ?? 0,
    record.periodSpendMicroUsd,
    encodeAliases(record.modelAliases),
  ].join("|");
}

/**
 * The alias map as the record's `al` field: JSON, `""` when empty. Alias ids and catalog ids never contain "|"
 * (contracts/keys-api.ts), so the field cannot split the record; an entry that would is left out.
 */
export function encodeAliases(aliases: Record<string, string>): string {
  const entries = Object.entries(aliases).filter(([alias, target]) => !alias.includes("|") && !target.includes("|"));
  return entries.length === 0 ? "" : JSON.stringify(Object.fromEntries(entries));
}

export function decodeJurisdictions(field: string): string[] | null {
  if (field === "*") return null;
  return field === "" ? [] : field.split(",");
}
