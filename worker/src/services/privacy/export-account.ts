/**
 * Policy 5 "Export": everything omnizen's Postgres holds about an account, as ONE JSON document streamed chunk by
 * chunk. Each table in `EXPORTED_TABLES` is read with keyset pagination (`pageAccountRows`), and the stream pulls the
 * next page only when the reader asked for more, so an account with a million usage rows never sits in memory.
 *
 * Document: `{ "format", "version", "exported_at", "user_id", "contents": {section: description},
 *   "users": {...}, "api_keys": [...], "usage_events": [...], "request_logs": [...] }`, sections in registry order,
 * columns under their SQL names, timestamps as ISO 8601, money in integer micro-USD.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { users } from "../../../../db/schema.ts";
import { countsPerTable, exportedTableEntries, type ExportedTableName } from "./exported-tables.ts";
import { pageAccountRows } from "./page-account-rows.ts";

export const EXPORT_FORMAT = "omnizen-account-export";
export const EXPORT_VERSION = 1;
export const DEFAULT_EXPORT_PAGE_SIZE = 1_000;

export interface ExportSummary {
  status: "complete" | "failed" | "cancelled";
  rows: Record<ExportedTableName, number>;
  /** Queries run: one per page, including the final short (possibly empty) page of each table. */
  pages: number;
}

export interface ExportOptions {
  /** Rows per query (default 1,000). */
  pageSize?: number;
  /** The `exported_at` of the document. */
  now?: Date;
  /** Observes every page read: its table and row count. */
  onPage?: (table: ExportedTableName, rowCount: number) => void;
  /** Called exactly once, when the stream ended, failed or was cancelled: release the database here. */
  onDone?: (summary: ExportSummary) => void | Promise<void>;
}

/**
 * The account's export as a stream of UTF-8 JSON text, or null when there is no such account (then `onDone` is
 * not called). Nothing is read beyond the account check until the stream is pulled. A failure mid-stream errors the
 * stream (the client sees a truncated, unparseable document, never a wrong one).
 */
export async function exportAccount(
  db: Database,
  userId: string,
  options: ExportOptions = {},
): Promise<ReadableStream<Uint8Array> | null> {
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!account) return null;

  const summary: ExportSummary = { status: "complete", rows: countsPerTable(), pages: 0 };
  const chunks = documentChunks(db, userId, options, summary)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let done = false;
  const finish = async (status: ExportSummary["status"]): Promise<void> => {
    if (done) return;
    done = true;
    summary.status = status;
    await options.onDone?.(summary);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) {
            controller.close();
            await finish("complete");
          } else {
            controller.enqueue(encoder.encode(next.value));
          }
        } catch (error) {
          controller.error(error);
          await finish("failed");
        }
      },
      async cancel() {
        await chunks.return?.(undefined);
        await finish("cancelled");
      },
    },
    // Nothing is read ahead: the next page is queried only when the reader wants the next chunk.
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}

/**
 * The document's text: one chunk per page read (with the brackets and section names around it), so each pull of
 * the stream runs exactly one query, plus the closing brace.
 */
async function* documentChunks(
  db: Database,
  userId: string,
  options: ExportOptions,
  summary: ExportSummary,
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE;
  const entries = exportedTableEntries();
  const contents = Object.fromEntries(entries.map(([name, entry]) => [name, entry.description]));
  // Text waiting to go out with the next page: the header, section names, brackets of empty sections.
  let pending =
    `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},` +
    `"exported_at":${JSON.stringify((options.now ?? new Date()).toISOString())},"user_id":${JSON.stringify(userId)},` +
    `"contents":${JSON.stringify(contents)}`;

  for (const [name, entry] of entries) {
    pending += `,${JSON.stringify(name)}:${entry.shape === "rows" ? "[" : ""}`;
    let written = 0;
    for await (const page of pageAccountRows(db, entry, userId, pageSize)) {
      summary.pages += 1;
      summary.rows[name] += page.length;
      options.onPage?.(name, page.length);
      if (entry.shape === "object") {
        yield `${pending}${JSON.stringify(page[0] ?? null)}`;
        pending = "";
        break;
      }
      if (page.length === 0) continue;
      yield `${pending}${written > 0 ? "," : ""}${page.map((row) => JSON.stringify(row)).join(",")}`;
      pending = "";
      written += page.length;
    }
    if (entry.shape === "rows") pending += "]";
  }
  yield `${pending}}`;
}
