/**
 * Policy 5 "Delete": removes an account and everything that references it, everywhere omnizen keeps it.
 *
 * Order (each step tolerates "already gone", so a retry after any partial failure finishes the job):
 * 1. `closeAccountAccess`: keys revoked, Redis entries deleted (the edge refuses the keys at once), Clerk user and
 *    payment customer deleted;
 * 2. Postgres, last and in ONE transaction: every table of `EXPORTED_TABLES`, children first, then a check that no
 *    row referencing the account is left (the transaction rolls back otherwise). The billing records accounting law
 *    makes us keep (payments, ledger, subscriptions: `anonymiseOnDeletion`) stay, with the account's id set to null;
 * 3. Redis once more: a cold fill during 1–2 may have refilled a key record (as "missing") meanwhile. Best effort.
 *
 * What remains afterwards, by design: the Clerk-id tombstone (`omz:clerk-deleted:<clerk id>`, 7 days) that stops a
 * still-valid session from recreating the account, and the account tombstone (`omz:deleted:<user id>`, 2 hours) that
 * stops the settlement of a request still in flight from writing anything (purge-account-redis.ts).
 */
import { count, eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { closeAccountAccess, type AccessClosure } from "./close-account-access.ts";
import {
  countsPerTable,
  exportedTableEntries,
  tablesInDeletionOrder,
  type ExportedTableName,
} from "./exported-tables.ts";
import { loadAccountSnapshot } from "./load-account-snapshot.ts";
import type { PrivacyDeps } from "./privacy-deps.ts";
import { dashboardLimitKeys } from "../dashboard-limits.ts";
import { purgeAccountRedis } from "./purge-account-redis.ts";

export interface AccountDeletionReport {
  /** False when there was no such account: nothing was done (a repeated request). */
  found: boolean;
  access: AccessClosure | null;
  rowsDeleted: Record<ExportedTableName, number>;
  /** Rows kept with the account's id removed (billing records, docs/billing.md). */
  rowsAnonymised: Record<ExportedTableName, number>;
}

export class AccountDeletionIncompleteError extends Error {
  override name = "AccountDeletionIncompleteError";
}

/** Deletes the account; idempotent. Throws when a step failed: retrying is always safe. */
export async function deleteAccount(
  deps: PrivacyDeps,
  userId: string,
  now: Date = new Date(),
): Promise<AccountDeletionReport> {
  const account = await loadAccountSnapshot(deps.db, userId);
  if (!account) return { found: false, access: null, rowsDeleted: countsPerTable(), rowsAnonymised: countsPerTable() };

  const access = await closeAccountAccess(deps, account, now);
  const { deleted: rowsDeleted, anonymised: rowsAnonymised } = await deleteAccountRows(deps.db, userId);
  try {
    await purgeAccountRedis(deps.redis, userId, account.keys, new Date());
    // The dashboard API's rate-limit windows name the Clerk user id: none are left either.
    if (account.clerkUserId) await deps.redis.del(...dashboardLimitKeys(account.clerkUserId, new Date()));
  } catch (error) {
    console.warn(
      JSON.stringify({
        event: "account-deletion-final-purge-failed",
        userId,
        error: error instanceof Error ? error.name : "unknown",
      }),
    );
  }
  console.log(
    JSON.stringify({
      event: "account-deleted",
      userId,
      clerk: access.clerk,
      redisKeysDeleted: access.redisKeysDeleted,
      rowsDeleted,
      rowsAnonymised,
    }),
  );
  return { found: true, access, rowsDeleted, rowsAnonymised };
}

/**
 * Deletes every row referencing the account (or, for kept billing records, removes the reference), children first, and
 * proves none is left; one transaction.
 */
export async function deleteAccountRows(
  db: Database,
  userId: string,
): Promise<{ deleted: Record<ExportedTableName, number>; anonymised: Record<ExportedTableName, number> }> {
  return db.transaction(async (transaction) => {
    const deleted = countsPerTable();
    const anonymised = countsPerTable();
    for (const [name, entry] of tablesInDeletionOrder()) {
      if (entry.anonymiseOnDeletion) {
        const kept = entry.anonymiseOnDeletion;
        const cleared = Object.fromEntries(
          Object.entries(getTableColumns(entry.table))
            .filter(([, column]) => kept.includes(column))
            .map(([key]) => [key, null]),
        );
        const result = await transaction.update(entry.table).set(cleared).where(eq(entry.userColumn, userId));
        anonymised[name] = result.rowCount ?? 0;
        continue;
      }
      const result = await transaction.delete(entry.table).where(eq(entry.userColumn, userId));
      deleted[name] = result.rowCount ?? 0;
    }
    for (const [name, entry] of exportedTableEntries()) {
      const [remaining] = await transaction
        .select({ rows: count() })
        .from(entry.table)
        .where(eq(entry.userColumn, userId));
      if ((remaining?.rows ?? 0) > 0)
        throw new AccountDeletionIncompleteError(`rows of the account are left in ${name}`);
    }
    return { deleted, anonymised };
  });
}
