/**
 * Loads a key's account record (account-record.ts) from Postgres, on a cold key record only. Imported on first use
 * (chat/admission.ts), so drizzle-orm and the schema stay off a fresh isolate's start (docs/cold-start.md).
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys, users } from "../../../../db/schema.ts";
import { planLimits } from "../../catalog/plans.ts";
import { isSpendPeriod } from "../../lib/spend-period.ts";
import { readAliasMap } from "../identity/model-aliases.ts";
import { accountBalanceSql } from "../usage/post-usage.ts";
import { narrowJurisdictions, type AccountRecord } from "./account-record.ts";

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
