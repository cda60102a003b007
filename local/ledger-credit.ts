/**
 * Credit for local accounts (dev seed, browser, load and bench runs) goes through the credit ledger like any grant,
 * so `users.credit_balance_micro_usd` stays equal to the sum of the account's ledger rows (the reconciliation job
 * reports any account where it does not). Same statement as the worker's (services/billing/ledger.ts).
 */
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { appendLedgerEntry, type LedgerEntryInput } from "../worker/src/services/billing/ledger.ts";

/** Appends the entry (idempotent on its reference) over a plain `pg` client or pool; returns whether it is new. */
export function appendLocalLedgerEntry(
  client: pg.Client | pg.PoolClient | pg.Pool,
  entry: LedgerEntryInput,
): Promise<boolean> {
  return appendLedgerEntry(drizzle({ client }), entry);
}

/**
 * Brings the account's balance up to at least `targetMicroUsd` with one `adjustment` entry per call (reference
 * unique per call, so two top-ups both count). Returns the balance afterwards.
 */
export async function topUpLocalAccount(
  client: pg.Client | pg.PoolClient | pg.Pool,
  userId: string,
  targetMicroUsd: number,
  reason: string,
): Promise<number> {
  const current = await client.query<{ balance: string }>(
    "SELECT credit_balance_micro_usd AS balance FROM users WHERE id = $1",
    [userId],
  );
  const balance = Number(current.rows[0]?.balance ?? 0);
  if (balance >= targetMicroUsd) return balance;
  await appendLocalLedgerEntry(client, {
    userId,
    kind: "adjustment",
    amountMicroUsd: targetMicroUsd - balance,
    reference: `local:${reason}:${userId}:${crypto.randomUUID()}`,
  });
  return targetMicroUsd;
}
