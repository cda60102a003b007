/**
 * The account record the edge keeps per API key (Redis hash `omz:key:<sha256>`), loaded from Postgres only on a cold
 * miss (load-account-record.ts, imported on first use). It carries everything the admission script needs, so a warm
 * request never touches Postgres.
 */
import { SPEND_PERIOD_CODE, type SpendPeriod } from "../../lib/spend-period.ts";

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
