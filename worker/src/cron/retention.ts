/**
 * Retention (policy 1.4, 4.3 and 7), run by the hourly cron trigger with the trigger's time as `now`:
 *
 * 1. Operational logs: `request_logs` rows older than 30 days are deleted, all of them, whatever the volume: in
 *    statements of `rowsPerStatement` rows, repeated until none is left. Only a wall-time bound
 *    (`operationalLogTimeBudgetMs`, minutes) can stop a run early, and the next run continues.
 * 2. Expired accounts: an account whose `users.cancelled_at` is more than 30 days before `now` (billing sets it when
 *    a subscription ends: services/billing/subscription-end.ts), or that never confirmed its age (policy 7,
 *    `users.age_confirmed_at` null) within 7 days of being created, is removed, table by table as `EXPORTED_TABLES`
 *    says (`onAccountExpiry`): its keys are revoked and its Redis entries, Clerk user and payment customer deleted
 *    first (`closeAccountAccess`); then `usage_events` keep their numbers but lose `user_id` and `api_key_id`;
 *    `request_logs` and `api_keys` are deleted; the `users` row is deleted last, once nothing references it.
 *    Nothing of the person remains; the anonymous usage numbers stay for the books.
 *
 * Account work is bounded: no statement touches more than `rowsPerStatement` rows (`id IN (SELECT id ... LIMIT n)`),
 * a run touches at most `accountRowsPerRun` account rows and looks at `accountsPerRun` accounts. What is left over is
 * picked up by the next run (an expired account keeps its `users` row until it is finished, so it stays a
 * candidate). Every step is idempotent.
 */
import { and, asc, eq, getTableColumns, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import { requestLogs, users } from "../../../db/schema.ts";
import { closeAccountAccess } from "../services/privacy/close-account-access.ts";
import {
  countsPerTable,
  tablesInDeletionOrder,
  type ExportedTable,
  type ExportedTableName,
} from "../services/privacy/exported-tables.ts";
import { loadAccountSnapshot } from "../services/privacy/load-account-snapshot.ts";
import type { PrivacyDeps } from "../services/privacy/privacy-deps.ts";
import { purgeAccountRedis } from "../services/privacy/purge-account-redis.ts";

/** Policy 1.4 (operational logs) and 4.3 (after cancellation): 30 days. */
export const RETENTION_PERIOD_DAYS = 30;
/** Policy 7: an account that has not confirmed being 13 or older this long after it was created is removed. */
export const UNCONFIRMED_AGE_REMOVAL_DAYS = 7;

export interface RetentionLimits {
  /** Rows one statement deletes or anonymises at most. */
  rowsPerStatement: number;
  /** Wall time the operational-log purge may take per run (it always runs at least one statement). */
  operationalLogTimeBudgetMs: number;
  /** Rows of expired accounts (all tables together) deleted or anonymised per run at most. */
  accountRowsPerRun: number;
  /** Expired accounts worked on per run at most. */
  accountsPerRun: number;
}

/**
 * Hourly, in statements that each take well under a second: logs until none is due (5 minutes at most, millions of
 * rows, inside the 15 minutes Cloudflare gives an hourly cron run), and 1.2 M account rows a day.
 */
export const DEFAULT_RETENTION_LIMITS: RetentionLimits = {
  rowsPerStatement: 5_000,
  operationalLogTimeBudgetMs: 5 * 60_000,
  accountRowsPerRun: 50_000,
  accountsPerRun: 20,
};

export interface RetentionReport {
  /** Data older than this (ISO 8601) was due. */
  cutoff: string;
  operationalLogs: { deleted: number; statements: number; finished: boolean };
  expiredAccounts: {
    /** Accounts found due (at most `accountsPerRun`). */
    due: number;
    /** Of those, due because they never confirmed their age (policy 7). */
    ageUnconfirmed: number;
    /** Anonymised completely this run: their `users` row is gone. */
    completed: number;
    /** Skipped this run because a step failed (Clerk, Redis, ...); retried next run. */
    failed: number;
    deleted: Record<ExportedTableName, number>;
    anonymised: Record<ExportedTableName, number>;
    /** False when the row budget ran out or more accounts may be due: the next run continues. */
    finished: boolean;
  };
}

/** Runs one bounded retention pass as of `now`. */
export async function runRetention(
  deps: PrivacyDeps,
  now: Date,
  limits: RetentionLimits = DEFAULT_RETENTION_LIMITS,
): Promise<RetentionReport> {
  const cutoff = new Date(now.getTime() - RETENTION_PERIOD_DAYS * DAY_MS);
  const operationalLogs = await deleteExpiredOperationalLogs(deps.db, cutoff, limits);
  const expiredAccounts = await anonymiseExpiredAccounts(deps, now, cutoff, limits);
  return { cutoff: cutoff.toISOString(), operationalLogs, expiredAccounts };
}

const DAY_MS = 24 * 3600 * 1000;

/** Deletes every log row older than `cutoff`, batch after batch, until none is left or the time budget is spent. */
async function deleteExpiredOperationalLogs(
  db: Database,
  cutoff: Date,
  limits: RetentionLimits,
): Promise<RetentionReport["operationalLogs"]> {
  const deadline = Date.now() + limits.operationalLogTimeBudgetMs;
  const report = { deleted: 0, statements: 0, finished: false };
  for (;;) {
    const deleted = await deleteBatch(
      db,
      requestLogs,
      requestLogs.id,
      lt(requestLogs.createdAt, cutoff),
      limits.rowsPerStatement,
    );
    report.deleted += deleted;
    report.statements += 1;
    if (deleted < limits.rowsPerStatement) return { ...report, finished: true };
    if (Date.now() >= deadline) return report;
  }
}

/** The accounts retention removes: cancelled more than 30 days ago, or never age-confirmed 7 days after creation. */
function expiredAccountCondition(now: Date, cutoff: Date): SQL {
  const unconfirmedCutoff = new Date(now.getTime() - UNCONFIRMED_AGE_REMOVAL_DAYS * DAY_MS);
  return or(
    lt(users.cancelledAt, cutoff),
    and(isNull(users.ageConfirmedAt), lt(users.createdAt, unconfirmedCutoff)),
  ) as SQL;
}

async function anonymiseExpiredAccounts(
  deps: PrivacyDeps,
  now: Date,
  cutoff: Date,
  limits: RetentionLimits,
): Promise<RetentionReport["expiredAccounts"]> {
  const expired = expiredAccountCondition(now, cutoff);
  const due = await deps.db
    .select({ id: users.id, ageConfirmedAt: users.ageConfirmedAt, cancelledAt: users.cancelledAt })
    .from(users)
    .where(expired)
    .orderBy(asc(sql`coalesce(${users.cancelledAt}, ${users.createdAt})`), asc(users.id))
    .limit(limits.accountsPerRun);
  const report: RetentionReport["expiredAccounts"] = {
    due: due.length,
    ageUnconfirmed: due.filter((row) => row.ageConfirmedAt === null && !(row.cancelledAt && row.cancelledAt < cutoff))
      .length,
    completed: 0,
    failed: 0,
    deleted: countsPerTable(),
    anonymised: countsPerTable(),
    finished: false,
  };
  const budget = new RowBudget(limits.accountRowsPerRun, limits.rowsPerStatement);
  for (const { id: userId } of due) {
    if (budget.remaining <= 0) return report;
    const account = await loadAccountSnapshot(deps.db, userId);
    if (!account) continue;
    try {
      await closeAccountAccess(deps, account, now);
    } catch (error) {
      report.failed += 1;
      console.warn(
        JSON.stringify({
          event: "retention-account-failed",
          userId,
          error: error instanceof Error ? error.name : "unknown",
        }),
      );
      continue;
    }
    if (!(await expireAccountRows(deps.db, userId, budget, report))) return report;
    // Only now, with nothing referencing it: the users row (and only if it is still due).
    const removed = await deps.db.delete(users).where(and(eq(users.id, userId), expired));
    report.deleted.users += removed.rowCount ?? 0;
    report.completed += 1;
    await purgeAccountRedis(deps.redis, userId, account.keys, new Date()).catch(() => undefined);
  }
  report.finished = due.length < limits.accountsPerRun && report.failed === 0;
  return report;
}

/**
 * Applies each table's rule to the account's rows, children first (`users` excluded); false when the budget ran out.
 */
async function expireAccountRows(
  db: Database,
  userId: string,
  budget: RowBudget,
  report: RetentionReport["expiredAccounts"],
): Promise<boolean> {
  for (const [name, entry] of tablesInDeletionOrder()) {
    if (entry.table === users) continue;
    const before = budget.used;
    const owned = eq(entry.userColumn, userId);
    const rule = entry.onAccountExpiry;
    const done = await budget.drain((size) =>
      rule.action === "delete"
        ? deleteBatch(db, entry.table, entry.idColumn, owned, size)
        : anonymiseBatch(db, entry, rule.columns, owned, size),
    );
    report[rule.action === "delete" ? "deleted" : "anonymised"][name] += budget.used - before;
    if (!done) return false;
  }
  return true;
}

/** Deletes at most `size` rows matching `where`; returns how many it deleted. */
async function deleteBatch(
  db: Database,
  table: ExportedTable["table"],
  idColumn: PgColumn,
  where: SQL,
  size: number,
): Promise<number> {
  const batch = db.select({ id: idColumn }).from(table).where(where).limit(size);
  const result = await db.delete(table).where(inArray(idColumn, batch));
  return result.rowCount ?? 0;
}

/** Sets `columns` to null on at most `size` rows matching `where` (which must stop matching them). */
async function anonymiseBatch(
  db: Database,
  entry: ExportedTable,
  columns: readonly PgColumn[],
  where: SQL,
  size: number,
): Promise<number> {
  const cleared = Object.fromEntries(
    Object.entries(getTableColumns(entry.table))
      .filter(([, column]) => columns.includes(column))
      .map(([key]) => [key, null]),
  );
  const batch = db.select({ id: entry.idColumn }).from(entry.table).where(where).limit(size);
  const result = await db.update(entry.table).set(cleared).where(inArray(entry.idColumn, batch));
  return result.rowCount ?? 0;
}

/** A run's row allowance, spent in statements of at most `statementSize` rows. */
class RowBudget {
  used = 0;

  get remaining(): number {
    return this.total - this.used;
  }

  constructor(
    private readonly total: number,
    private readonly statementSize: number,
  ) {}

  /**
   * Runs `statement(size)` until it affects fewer rows than asked (true: nothing left) or the allowance is spent
   * (false: maybe more left).
   */
  async drain(statement: (size: number) => Promise<number>): Promise<boolean> {
    for (;;) {
      const size = Math.min(this.statementSize, this.remaining);
      if (size <= 0) return false;
      const affected = await statement(size);
      this.used += affected;
      if (affected < size) return true;
    }
  }
}
