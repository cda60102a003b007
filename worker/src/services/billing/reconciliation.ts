/**
 * Reconciliation of prepaid credit (docs/credit.md, "Reconciliation"), for a given list of accounts:
 * - **ledger drift**: `users.credit_balance_micro_usd` differs from the sum of the account's `credit_ledger` rows.
 *   Both are read in one statement (one snapshot), and every writer moves both in one statement, so any difference is
 *   a real defect (a write that bypassed the ledger). Reported, never "fixed": which side is wrong needs a person.
 * - **counter drift**: the hot path's Redis counter differs from `Postgres balance - undrained usage - live
 *   reservations`. Checked only at a quiet moment for the account, atomically in one script: no reservation in
 *   flight, no undrained usage, and the drain generation unchanged since before the Postgres read (no drain and no
 *   grant in between). Then the counter must equal the Postgres balance exactly; if not, it is set to it (the
 *   Postgres side is derived from the ledger, never the other way round) and reported.
 * Logs carry ids and numbers only.
 */
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";
import { intArg, runScript } from "../hot-path/run-script.ts";
import type { ScriptClient } from "../hot-path/script-client.ts";
import { accountBalanceSql } from "../usage/post-usage.ts";

/**
 * ARGV: 1 the drain generation read before the Postgres read, 2 now (ms), then pairs (user id, Postgres balance).
 * For each account with a counter: drops expired reservations (a crashed isolate's, as a fill does); skips the
 * account unless it is quiet (no reservation left, no undrained usage); otherwise compares and fixes the counter
 * (its TTL kept). Returns { "moved" } when the generation changed (nothing checked), else
 * { "ok", quiet accounts checked, busy accounts skipped, then (user, counter, expected) per counter fixed }.
 * KEYS (counterReconcileKeys, for allow-key-locking): 1 the drain generation, then per pair the account's credit
 * counter, reservations and undrained usage.
 */
export const COUNTER_RECONCILE_SCRIPT = `#!lua flags=allow-key-locking
if (redis.call("GET", KEYS[1]) or "0") ~= ARGV[1] then return { "moved" } end
local now = tonumber(ARGV[2])
local checked, busy, fixed = 0, 0, {}
local next_key = 2
for i = 3, #ARGV - 1, 2 do
  local user, expected = ARGV[i], ARGV[i + 1]
  local credit_key, resv_key, undrained_key = KEYS[next_key], KEYS[next_key + 1], KEYS[next_key + 2]
  next_key = next_key + 3
  local counter = redis.call("GET", credit_key)
  if counter then
    local held = redis.call("HGETALL", resv_key)
    for j = 1, #held, 2 do
      local expiry = string.match(held[j + 1], ":(%d+)$")
      if not expiry or tonumber(expiry) <= now then redis.call("HDEL", resv_key, held[j]) end
    end
    if redis.call("HLEN", resv_key) > 0 or tonumber(redis.call("GET", undrained_key) or "0") ~= 0 then
      busy = busy + 1
    else
      checked = checked + 1
      if counter ~= expected then
        redis.call("SET", credit_key, expected, "KEEPTTL")
        fixed[#fixed + 1] = user
        fixed[#fixed + 1] = counter
        fixed[#fixed + 1] = expected
      end
    end
  end
end
local result = { "ok", checked, busy }
for _, value in ipairs(fixed) do result[#result + 1] = value end
return result
`;

const DRAIN_GENERATION_KEY = "omz:usage:gen";
const DRAIN_GENERATION_SCRIPT = `#!lua flags=no-writes,allow-key-locking
return redis.call("GET", KEYS[1]) or "0"`;

/** KEYS of COUNTER_RECONCILE_SCRIPT for these accounts (in the order of its argument pairs). */
export function counterReconcileKeys(userIds: readonly string[]): string[] {
  return [
    DRAIN_GENERATION_KEY,
    ...userIds.flatMap((userId) => [`omz:credit:${userId}`, `omz:resv:${userId}`, `omz:undrained:${userId}`]),
  ];
}

export interface LedgerDrift {
  userId: string;
  balanceColumnMicroUsd: number;
  ledgerSumMicroUsd: number;
}

export interface CounterDrift {
  userId: string;
  counterMicroUsd: number;
  expectedMicroUsd: number;
}

export interface ReconciliationResult {
  accounts: number;
  ledgerDrifts: LedgerDrift[];
  /** Counters found wrong at a quiet moment, and set to the Postgres balance. */
  counterDrifts: CounterDrift[];
  /** Accounts with a counter whose check ran (quiet), and those skipped (busy). */
  countersChecked: number;
  countersBusy: number;
  /** A drain or a grant moved the generation during the Postgres read: no counter was checked this time. */
  generationMoved: boolean;
}

export interface ReconciliationDeps {
  db: Pick<Database, "select">;
  scripts: ScriptClient;
  now?: number;
}

/** Reconciles the given accounts (one Postgres statement, one Redis script). */
export async function reconcileAccounts(deps: ReconciliationDeps, userIds: string[]): Promise<ReconciliationResult> {
  const result: ReconciliationResult = {
    accounts: 0,
    ledgerDrifts: [],
    counterDrifts: [],
    countersChecked: 0,
    countersBusy: 0,
    generationMoved: false,
  };
  if (userIds.length === 0) return result;
  // Read before Postgres: a drain or grant landing during the read moves it, and the script then checks nothing.
  const generation = String(
    await runScript<string | number>(deps.scripts, DRAIN_GENERATION_SCRIPT, [DRAIN_GENERATION_KEY], []),
  );
  const rows = await deps.db
    .select({
      userId: users.id,
      column: users.creditBalanceMicroUsd,
      balance: accountBalanceSql,
      ledger: sql<number>`(SELECT coalesce(sum(amount_micro_usd), 0) FROM credit_ledger
        WHERE credit_ledger.user_id = users.id)::bigint`,
    })
    .from(users)
    .where(inArray(users.id, userIds));
  result.accounts = rows.length;
  for (const row of rows) {
    const ledger = Number(row.ledger);
    if (Number(row.column) !== ledger) {
      result.ledgerDrifts.push({
        userId: row.userId,
        balanceColumnMicroUsd: Number(row.column),
        ledgerSumMicroUsd: ledger,
      });
    }
  }
  const reply = await runScript<Array<string | number>>(
    deps.scripts,
    COUNTER_RECONCILE_SCRIPT,
    counterReconcileKeys(rows.map((row) => row.userId)),
    [generation, intArg(deps.now ?? Date.now()), ...rows.flatMap((row) => [row.userId, intArg(Number(row.balance))])],
  );
  if (reply[0] === "moved") {
    result.generationMoved = true;
    return result;
  }
  result.countersChecked = Number(reply[1]);
  result.countersBusy = Number(reply[2]);
  for (let index = 3; index + 2 < reply.length; index += 3) {
    result.counterDrifts.push({
      userId: String(reply[index]),
      counterMicroUsd: Number(reply[index + 1]),
      expectedMicroUsd: Number(reply[index + 2]),
    });
  }
  return result;
}
