/**
 * Reads one account's rows of one table page by page with keyset pagination over (created_at, id): each query
 * returns at most `pageSize` rows and starts after the last row of the previous page, so a page costs the same at
 * row one million as at row one, and only one page is in memory at a time.
 */
import { and, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../../../db/client.ts";
import type { ExportedTable } from "./exported-tables.ts";

/** One exported row: column SQL names to values (dates as Date, as Drizzle maps them). */
export type ExportedRow = Record<string, unknown>;

// Cursor values travel as Postgres text: timestamptz has microseconds, which a JS Date would round off (and the
// next page would then repeat rows).
const CURSOR_CREATED_AT = "__cursor_created_at";
const CURSOR_ID = "__cursor_id";

interface Cursor {
  createdAt: string;
  id: string;
}

/** The exported columns of a table, keyed by SQL name, without the omitted ones. */
export function exportedColumns(entry: ExportedTable): Record<string, PgColumn> {
  const columns = Object.values(getTableColumns(entry.table)) as PgColumn[];
  return Object.fromEntries(
    columns.filter((column) => !entry.omittedColumns.includes(column.name)).map((column) => [column.name, column]),
  );
}

/**
 * Yields the account's rows of `entry.table` in (created_at, id) order, one array of at most `pageSize` rows per
 * query. Stops after the first short page. Not a snapshot: rows written meanwhile may or may not appear.
 */
export async function* pageAccountRows(
  db: Database,
  entry: ExportedTable,
  userId: string,
  pageSize: number,
): AsyncGenerator<ExportedRow[]> {
  const fields: Record<string, PgColumn | SQL> = {
    ...exportedColumns(entry),
    [CURSOR_CREATED_AT]: sql<string>`${entry.createdAtColumn}::text`,
    [CURSOR_ID]: sql<string>`${entry.idColumn}::text`,
  };
  let cursor: Cursor | null = null;
  for (;;) {
    const rows: ExportedRow[] = await db
      .select(fields)
      .from(entry.table)
      .where(and(eq(entry.userColumn, userId), cursor ? afterCursor(entry, cursor) : undefined))
      .orderBy(entry.createdAtColumn, entry.idColumn)
      .limit(pageSize);
    const last = rows.at(-1);
    if (last) {
      cursor = { createdAt: String(last[CURSOR_CREATED_AT]), id: String(last[CURSOR_ID]) };
      for (const row of rows) {
        delete row[CURSOR_CREATED_AT];
        delete row[CURSOR_ID];
      }
    }
    yield rows;
    if (rows.length < pageSize) return;
  }
}

function afterCursor(entry: ExportedTable, cursor: Cursor): SQL {
  // The redundant `>=` lets the (user_id, created_at) index bound the scan; the row comparison breaks ties by id.
  // The id parameter is untyped, so Postgres reads it as the id column's own type (uuid or bigint order, not text).
  return sql`${entry.createdAtColumn} >= ${cursor.createdAt}::timestamptz
    AND (${entry.createdAtColumn}, ${entry.idColumn}) > (${cursor.createdAt}::timestamptz, ${cursor.id})`;
}
