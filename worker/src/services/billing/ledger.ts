/**
 * The credit ledger (db `credit_ledger`): every change of an account's prepaid credit is one row with a unique
 * reference, appended once. `users.credit_balance_micro_usd` moves in the same statement, so it always equals the sum
 * of the account's rows (the reconciliation job checks it). A grant then reaches the hot path's credit counter in
 * Redis (docs/credit.md) through `applyGrantToCounter`, at most once per reference.
 *
 * Callers: the payment webhooks and checks (Stripe, EPS), plan periods, refunds and disputes, manual adjustments,
 * and the usage posting job (services/usage/post-usage.ts) for usage debits.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { intArg, runScript } from "../hot-path/run-script.ts";
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

/** Marks a grant as applied to the counter; kept longer than any redelivery window. */
export const GRANT_MARKER_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * KEYS: 1 credit counter `omz:credit:<user>`, 2 the grant's marker `omz:grant:<reference>`.
 * ARGV: 1 amount (micro-USD, signed), 2 marker TTL (ms).
 * Moves the counter by the amount once per reference, and only when the counter exists: a missing counter is created
 * from Postgres, which already holds the entry. Returns 1 when the counter moved, 0 otherwise.
 */
export const GRANT_COUNTER_SCRIPT = `
if redis.call("SET", KEYS[2], "1", "NX", "PX", ARGV[2]) == false then return 0 end
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("INCRBY", KEYS[1], ARGV[1])
return 1
`;

export const creditCounterKey = (userId: string) => `omz:credit:${userId}`;
export const grantMarkerKey = (reference: string) => `omz:grant:${reference}`;

/** Applies a committed ledger entry to the hot path's counter (idempotent per reference). */
export async function applyGrantToCounter(
  scripts: ScriptClient,
  entry: Pick<LedgerEntryInput, "userId" | "amountMicroUsd" | "reference">,
): Promise<boolean> {
  const moved = await runScript<number>(
    scripts,
    GRANT_COUNTER_SCRIPT,
    [creditCounterKey(entry.userId), grantMarkerKey(entry.reference)],
    [intArg(entry.amountMicroUsd), intArg(GRANT_MARKER_TTL_MS)],
  );
  return Number(moved) === 1;
}

/**
 * Appends the entry, then applies it to the counter. The counter step runs again on a repeated call (a redelivered
 * webhook after a failure between the two), and the marker keeps it to once. Returns whether the entry is new.
 */
export async function postCreditEntry(
  deps: { db: LedgerDatabase; scripts: ScriptClient },
  entry: LedgerEntryInput,
): Promise<boolean> {
  const created = await appendLedgerEntry(deps.db, entry);
  await applyGrantToCounter(deps.scripts, entry);
  return created;
}
