/**
 * `GET /api/usage/events.csv`: the filter's rows as CSV (RFC 4180, CRLF), newest first, streamed page by page with
 * the same keyset query as the events list, so memory stays flat. At most `USAGE_CSV_MAX_ROWS` rows: a larger
 * result ends with a `# truncated ...` line saying so. Ids, model, counts, cost and timings only, never content.
 */
import type { Database } from "../../../../db/client.ts";
import { USAGE_CSV_MAX_ROWS } from "../../contracts/dashboard-api.ts";
import { readEventRows, toUsageEvent, type UsageCursor, type UsageQuery } from "./usage-queries.ts";

export const CSV_PAGE_ROWS = 2_000;

export const CSV_COLUMNS = [
  "request_id",
  "created_at",
  "model",
  "provider",
  "key_id",
  "key_name",
  "input_tokens",
  "output_tokens",
  "cached_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "cost_micro_usd",
  "cost_usd",
  "latency_ms",
  "time_to_first_token_ms",
  "status",
  "http_status",
  "cache_hit",
  "stream",
] as const;

/**
 * One CSV field: quoted when it holds a comma, quote or line break. A text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) gets a leading apostrophe (OWASP "CSV injection"); numbers are left alone.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const usd = (microUsd: number): string => {
  const sign = microUsd < 0 ? "-" : "";
  const absolute = Math.abs(microUsd);
  return `${sign}${Math.floor(absolute / 1_000_000)}.${String(absolute % 1_000_000).padStart(6, "0")}`;
};

export interface CsvOptions {
  maxRows?: number;
  pageRows?: number;
  /** Called exactly once when the stream ended, failed or was cancelled (release the database there). */
  onDone?: (summary: { status: "complete" | "failed" | "cancelled"; rows: number; truncated: boolean }) => void;
}

export function usageCsvStream(db: Database, query: UsageQuery, options: CsvOptions = {}): ReadableStream<Uint8Array> {
  const maxRows = options.maxRows ?? USAGE_CSV_MAX_ROWS;
  const pageRows = options.pageRows ?? CSV_PAGE_ROWS;
  const encoder = new TextEncoder();
  let cursor: UsageCursor | null = null;
  let written = 0;
  let started = false;
  let done = false;
  let truncated = false;
  const finish = (status: "complete" | "failed" | "cancelled") => {
    if (done) return;
    done = true;
    options.onDone?.({ status, rows: written, truncated });
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let text = "";
          if (!started) {
            started = true;
            text += `${CSV_COLUMNS.join(",")}\r\n`;
          }
          const want = Math.min(pageRows, maxRows - written);
          const { rows, next } = await readEventRows(db, query, cursor, want);
          for (const row of rows) {
            const event = toUsageEvent(row);
            const fields = [
              event.requestId,
              event.createdAt,
              event.model,
              event.provider,
              event.keyId,
              event.keyName,
              event.inputTokens,
              event.outputTokens,
              event.cachedTokens,
              event.cacheWriteTokens,
              event.reasoningTokens,
              event.costMicroUsd,
              usd(event.costMicroUsd),
              event.latencyMs,
              event.timeToFirstTokenMs,
              event.status,
              event.httpStatus,
              event.cacheHit,
              event.stream,
            ];
            text += `${fields.map(csvField).join(",")}\r\n`;
          }
          written += rows.length;
          cursor = next;
          const last = next === null || written >= maxRows;
          if (last && next !== null) {
            truncated = true;
            text += `# truncated: this export stops at ${maxRows} rows; narrow the date range or filter for the rest\r\n`;
          }
          if (text !== "") controller.enqueue(encoder.encode(text));
          if (last) {
            controller.close();
            finish("complete");
          }
        } catch (error) {
          controller.error(error);
          finish("failed");
        }
      },
      cancel() {
        finish("cancelled");
      },
    },
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
}
