/**
 * Every table that holds a person's data, in one typed registry: what the export writes (policy 5), what account
 * deletion removes (policy 5) and what retention does to an expired account (policy 4.3) all iterate it.
 * `worker/test/privacy.export.test.ts` derives the same list from the Drizzle schema (every table with a foreign key
 * to `users.id`, plus `users`) and fails when the two differ, so a new table cannot be forgotten.
 *
 * Order matters: parents first. The export writes sections in this order; deletion and retention walk it backwards
 * (children first, `users` last).
 */
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import {
  apiKeys,
  creditLedger,
  payments,
  requestLogs,
  subscriptions,
  usageEvents,
  users,
} from "../../../../db/schema.ts";

/** What retention does to a table's rows of an account whose cancellation is older than the retention period. */
export type AccountExpiryRule =
  /** The rows are deleted. */
  | { action: "delete" }
  /** The rows stay (aggregate numbers), with these columns set to null so nothing links them to a person. */
  | { action: "anonymise"; columns: readonly PgColumn[] };

export interface ExportedTable {
  table: PgTable;
  /** The column holding the account's id: the foreign key to `users.id`, or `users.id` itself. */
  userColumn: PgColumn;
  /** Keyset pagination runs over (createdAt, id): `id` is unique, and (user, created_at) is indexed. */
  createdAtColumn: PgColumn;
  idColumn: PgColumn;
  /** `object`: exactly one row (the account itself); `rows`: an array. */
  shape: "object" | "rows";
  /** SQL names of columns left out of the export, each with the reason in `description`. */
  omittedColumns: readonly string[];
  /** One sentence for the reader of the export document. */
  description: string;
  onAccountExpiry: AccountExpiryRule;
  /**
   * Set for the records accounting law makes us keep (docs/billing.md): account deletion sets these columns to null
   * instead of deleting the rows, so nothing links them to the person.
   */
  anonymiseOnDeletion?: readonly PgColumn[];
}

export const EXPORTED_TABLES = {
  users: {
    table: users,
    userColumn: users.id,
    createdAtColumn: users.createdAt,
    idColumn: users.id,
    shape: "object",
    omittedColumns: [],
    description:
      "Your account: profile (name, email, phone as synced from the sign-in provider), plan, prepaid credit in micro-USD as of the last usage settlement, cancellation date, and settings (allowed jurisdictions, prompt cache).",
    onAccountExpiry: { action: "delete" },
  },
  api_keys: {
    table: apiKeys,
    userColumn: apiKeys.userId,
    createdAtColumn: apiKeys.createdAt,
    idColumn: apiKeys.id,
    shape: "rows",
    omittedColumns: ["key_hash"],
    description:
      "Your API keys as metadata: name, display prefix, dates, limits and model aliases. Neither the secret (never stored) nor its hash is included.",
    onAccountExpiry: { action: "delete" },
  },
  usage_events: {
    table: usageEvents,
    userColumn: usageEvents.userId,
    createdAtColumn: usageEvents.createdAt,
    idColumn: usageEvents.id,
    shape: "rows",
    omittedColumns: [],
    description:
      "One row per routed request: model, provider, token counts (cache writes with their 1-hour part), cost in micro-USD, the price version it was billed at (with its time-of-day band), status and timings. No prompt or response content is ever stored.",
    onAccountExpiry: { action: "anonymise", columns: [usageEvents.userId, usageEvents.apiKeyId] },
  },
  request_logs: {
    table: requestLogs,
    userColumn: requestLogs.userId,
    createdAtColumn: requestLogs.createdAt,
    idColumn: requestLogs.id,
    shape: "rows",
    omittedColumns: [],
    description: "Operational log of your requests (IP address, user agent, path, status), kept for 30 days.",
    onAccountExpiry: { action: "delete" },
  },
  subscriptions: {
    table: subscriptions,
    userColumn: subscriptions.userId,
    createdAtColumn: subscriptions.createdAt,
    idColumn: subscriptions.id,
    shape: "rows",
    omittedColumns: [],
    description:
      "Your plan subscriptions: plan, payment provider (Stripe or EPS) and its subscription reference, status, period end and cancellation dates.",
    onAccountExpiry: { action: "anonymise", columns: [subscriptions.userId] },
    anonymiseOnDeletion: [subscriptions.userId],
  },
  payments: {
    table: payments,
    userColumn: payments.userId,
    createdAtColumn: payments.createdAt,
    idColumn: payments.id,
    shape: "rows",
    omittedColumns: [],
    description:
      "Your payments: what was bought, our reference and the provider's (Stripe or EPS), amount and currency, credit granted, status and refunds. No card numbers or bank credentials are ever stored.",
    onAccountExpiry: { action: "anonymise", columns: [payments.userId] },
    anonymiseOnDeletion: [payments.userId],
  },
  credit_ledger: {
    table: creditLedger,
    userColumn: creditLedger.userId,
    createdAtColumn: creditLedger.createdAt,
    idColumn: creditLedger.id,
    shape: "rows",
    omittedColumns: [],
    description:
      "Every change of your prepaid credit in micro-USD: purchases, plan credit, usage debits (in batches), refunds, disputes and adjustments, each with its reference.",
    onAccountExpiry: { action: "anonymise", columns: [creditLedger.userId] },
    anonymiseOnDeletion: [creditLedger.userId],
  },
} as const satisfies Record<string, ExportedTable>;

export type ExportedTableName = keyof typeof EXPORTED_TABLES;

/** The registry's entries in export order (parents first). */
export function exportedTableEntries(): Array<[ExportedTableName, ExportedTable]> {
  return Object.entries(EXPORTED_TABLES) as Array<[ExportedTableName, ExportedTable]>;
}

/** The registry's entries children first, `users` last: the order in which rows can be removed. */
export function tablesInDeletionOrder(): Array<[ExportedTableName, ExportedTable]> {
  return exportedTableEntries().reverse();
}

/** A zero for every table, typed so that a new table cannot be left out of a report. */
export function countsPerTable(): Record<ExportedTableName, number> {
  return Object.fromEntries(exportedTableEntries().map(([name]) => [name, 0])) as Record<ExportedTableName, number>;
}
