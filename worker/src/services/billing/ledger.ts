/**
 * The credit ledger (db `credit_ledger`): every change of an account's prepaid credit is one row with a unique
 * reference, appended once. `users.credit_balance_micro_usd` moves in the same statement, so it always equals the sum
 * of the account's rows (the reconciliation job checks it). A grant then reaches the hot path's credit counter in
 * Redis (docs/credit.md) through `applyGrantToCounter`, which makes the counter be derived again from Postgres.
 *
 * Callers: the payment webhooks and checks (Stripe, EPS), plan periods, refunds and disputes, manual adjustments,
 * and the usage posting job (services/usage/post-usage.ts) for usage debits.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { runScript } from "../hot-path/run-script.ts";
import type { ScriptClient } from "../hot-path/script-client.ts";

export const LEDGER_KINDS = [
  "purchase",
  "plan_credit",
  "promotion",
  "usage",
  "refund",
  "dispute",
  "dispute_reversal",
  "adjustment",
  "opening",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntryInput {
  userId: string;
  kind: LedgerKind;
  /** Signed micro-USD: grants positive, debits negative. */
  amountMicroUsd: number;
  /** Unique cause of the entry: `payment:<id>`, `invoice:<id>`, `refund:<id>`, `dispute:<id>`... */
  reference: string;
  paymentId?: string | null;
}

/** A database handle or a transaction of one (drizzle's `db.transaction(tx => ...)` hands out the same API). */
export type LedgerDatabase = Pick<Database, "execute">;

/**
 * Appends the entry and moves the account's balance column, in one statement; nothing when the reference is already
 * in the ledger (a redelivered event, a repeated check). Returns whether the entry is new.
 */
export async function appendLedgerEntry(db: LedgerDatabase, entry: LedgerEntryInput): Promise<boolean> {
  if (!Number.isSafeInteger(entry.amountMicroUsd)) throw new RangeError("ledger amount is not a safe integer");
  const result = await db.execute<{ id: string }>(sql`
    WITH inserted AS (
      INSERT INTO credit_ledger (user_id, kind, amount_micro_usd, reference, payment_id)
      VALUES (${entry.userId}, ${entry.kind}, ${entry.amountMicroUsd}, ${entry.reference}, ${entry.paymentId ?? null})
      ON CONFLICT (reference) DO NOTHING
      RETURNING user_id, amount_micro_usd
    )
    UPDATE users SET credit_balance_micro_usd = users.credit_balance_micro_usd + inserted.amount_micro_usd,
      updated_at = now()
    FROM inserted WHERE users.id = inserted.user_id
    RETURNING users.id`);
  return result.rows.length > 0;
}

/**
 * KEYS: 1 credit counter `omz:credit:<user>`, 2 the drain generation `omz:usage:gen`.
 * Drops the account's counter and bumps the generation. The next credit-checked request creates the counter again
 * from Postgres, which holds the committed entry (docs/credit.md, "Grants"): a counter is never moved by a grant, so
 * a grant can be counted neither twice (a fill that read Postgres after the commit, then an INCRBY) nor never (a fill
 * that read Postgres before the commit: its generation is older than the bump, so the fill is refused and read again).
 * Idempotent: running it again for the same entry (a redelivered webhook) costs one more fill, nothing else.
 * Returns 1 when a counter was dropped, 0 when there was none.
 */
export const GRANT_COUNTER_SCRIPT = `#!lua flags=allow-key-locking
local dropped = redis.call("DEL", KEYS[1])
redis.call("INCR", KEYS[2])
return dropped
`;

export const creditCounterKey = (userId: string) => `omz:credit:${userId}`;
const DRAIN_GENERATION_KEY = "omz:usage:gen";

/**
 * Makes a committed ledger entry visible to the hot path at once: the account's next request admits against
 * `Postgres balance - undrained usage - live reservations`, which includes the entry exactly once. Call it after the
 * commit, never before. Returns whether a live counter was dropped.
 */
export async function applyGrantToCounter(
  scripts: ScriptClient,
  entry: Pick<LedgerEntryInput, "userId" | "amountMicroUsd" | "reference">,
): Promise<boolean> {
  const dropped = await runScript<number>(
    scripts,
    GRANT_COUNTER_SCRIPT,
    [creditCounterKey(entry.userId), DRAIN_GENERATION_KEY],
    [],
  );
  return Number(dropped) === 1;
}

/**
 * Appends the entry, then applies it to the counter. The counter step runs again on a repeated call (a redelivered
 * webhook after a failure between the two), which is harmless (it only drops the counter). Returns whether the entry
 * is new.
 */
export async function postCreditEntry(
  deps: { db: LedgerDatabase; scripts: ScriptClient },
  entry: LedgerEntryInput,
): Promise<boolean> {
  const created = await appendLedgerEntry(deps.db, entry);
  await applyGrantToCounter(deps.scripts, entry);
  return created;
}
