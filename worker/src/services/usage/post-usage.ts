/**
 * Posting: folds the costs of usage rows not yet posted (column `settled = false`) into the account balances and
 * last-used times, in batches, one atomic statement per batch (rows locked with SKIP LOCKED, so concurrent runs
 * never double-count). The same statement appends one `usage` row per account per batch to the credit ledger
 * (negative, reference `usage:<the account's first usage id in the batch>`), so `credit_balance_micro_usd` stays
 * equal to the sum of the account's ledger rows (services/billing/ledger.ts). Run by the cron trigger; the account's
 * balance meanwhile is `credit_balance_micro_usd - costs not yet posted` (accountBalanceSql), so reads are exact
 * whether or not a posting ran.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";

export const POSTING_BATCH = 5_000;

/** SQL for an account's current balance in micro-USD, for a `users` row aliased as `users`. */
export const accountBalanceSql: SQL<number> = sql<number>`(users.credit_balance_micro_usd - coalesce((
  SELECT sum(cost_micro_usd) FROM usage_events WHERE usage_events.user_id = users.id AND NOT usage_events.settled), 0))::bigint`;

/** Posts up to `maxBatches` batches; returns the number of usage rows posted. */
export async function postUsage(db: Database, maxBatches = 10, batchSize = POSTING_BATCH): Promise<number> {
  let posted = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const result = await db.execute<{ count: number }>(sql`
      WITH batch AS (
        SELECT id, user_id, api_key_id, cost_micro_usd, created_at FROM usage_events
        WHERE NOT settled ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      ), marked AS (
        UPDATE usage_events SET settled = true WHERE id IN (SELECT id FROM batch) RETURNING id
      ), totals AS (
        SELECT user_id, sum(cost_micro_usd)::bigint AS cost, min(id) AS first_id FROM batch
        WHERE user_id IS NOT NULL GROUP BY user_id
      ), debits AS (
        -- Rows are locked and marked in this statement, so a batch's reference is new; a zero debit is no entry.
        INSERT INTO credit_ledger (user_id, kind, amount_micro_usd, reference)
        -- A usage row is posted once and belongs to one account, so its id alone is a unique reference; the account
        -- id stays out of it, so an anonymised ledger row (account deleted) keeps no link to the person.
        SELECT user_id, 'usage', -cost, 'usage:' || first_id FROM totals WHERE cost <> 0
        ON CONFLICT (reference) DO NOTHING RETURNING user_id, amount_micro_usd
      ), balances AS (
        UPDATE users SET credit_balance_micro_usd = users.credit_balance_micro_usd + debits.amount_micro_usd
        FROM debits WHERE users.id = debits.user_id RETURNING users.id
      ), keys AS (
        UPDATE api_keys SET last_used_at = GREATEST(coalesce(api_keys.last_used_at, latest.at), latest.at)
        FROM (SELECT api_key_id, max(created_at) AS at FROM batch WHERE api_key_id IS NOT NULL GROUP BY api_key_id) latest
        WHERE api_keys.id = latest.api_key_id RETURNING api_keys.id
      )
      SELECT (SELECT count(*) FROM marked)::int AS count, (SELECT count(*) FROM balances) AS b, (SELECT count(*) FROM keys) AS k`);
    const count = Number(result.rows[0]?.count ?? 0);
    posted += count;
    if (count < batchSize) break;
  }
  return posted;
}
