/**
 * What a Stripe event handler gets, and what it gives back. A handler re-reads what it needs from Stripe first (order
 * matters: deliveries repeat and arrive out of order, so the object as Stripe has it now decides), then returns the
 * work to run inside the event's database transaction, which is also where the event id is recorded
 * (apply-stripe-event.ts). That work returns the ledger entries it appended, for the hot path's counter after commit.
 */
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import type { PlanChangeDeps } from "../plan-changes.ts";
import type { LedgerEntryInput } from "../ledger.ts";

/** A transaction of the request's database (drizzle's `db.transaction(tx => ...)` argument). */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface EventContext {
  stripe: Stripe;
  /** Redis and the background scheduler for plan changes (their database is the event's transaction). */
  plans: Omit<PlanChangeDeps, "db">;
  now: Date;
}

export type TransactionWork = (transaction: Transaction) => Promise<LedgerEntryInput[]>;

export const NOTHING: TransactionWork = () => Promise.resolve([]);

/** A Stripe field that is an id or an expanded object, as the id. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
