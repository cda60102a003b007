/**
 * The dashboard's reads of `usage_events`: the summary of a filter, a keyset-paged list of its rows (newest first)
 * and the same rows for the CSV. Only the caller's rows (`user_id`); a deleted key's rows show `keyId` null.
 *
 * Every query starts from the caller's rows in the date range through an index that leads with `user_id` (or
 * `api_key_id` for a key filter, or `model`): `usage_events_user_created_id_idx (user_id, created_at, id)` pages
 * newest first with `(created_at, id) < cursor` as an index condition, so a deep page costs what the first one does.
 * Plans and timings at 1M rows: docs/benchmarks/2026-12-06-usage-queries.md (`npm run bench:usage`).
 *
 * The query builders return Drizzle `SQL`, so the benchmark runs exactly these statements under EXPLAIN.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import type {
  UsageEvent,
  UsageEventPage,
  UsageStatus,
  UsageSummary,
  UsageTotals,
} from "../../contracts/dashboard-api.ts";

/** A validated filter (routes/api/usage.ts parses the query string into this). */
export interface UsageQuery {
  userId: string;
  from: Date;
  /** Exclusive. */
  to: Date;
  model?: string | null | undefined;
  keyId?: string | null | undefined;
  status?: UsageStatus | null | undefined;
}

/** A position in the newest-first order: the last row of the previous page. */
export interface UsageCursor {
  /** `created_at` with its microseconds, as Postgres gave it (`YYYY-MM-DDTHH:MM:SS.ffffffZ`). */
  createdAt: string;
  id: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The cursor as an opaque string (base64url of `<created_at>|<id>`). */
export function encodeCursor(cursor: UsageCursor): string {
  return btoa(`${cursor.createdAt}|${cursor.id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor a previous page gave, or null when the text is not one. */
export function decodeCursor(text: string): UsageCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  let decoded: string;
  try {
    decoded = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const [createdAt, id, ...rest] = decoded.split("|");
  if (rest.length > 0 || !createdAt || !id) return null;
  if (!CURSOR_TIME.test(createdAt) || Number.isNaN(Date.parse(createdAt))) return null;
  if (!/^[1-9]\d{0,18}$/.test(id) || BigInt(id) > 9_223_372_036_854_775_807n) return null;
  return { createdAt, id };
}

function whereFilter(query: UsageQuery): SQL {
  const conditions: SQL[] = [
    sql`e.user_id = ${query.userId}`,
    sql`e.created_at >= ${query.from.toISOString()}::timestamptz`,
    sql`e.created_at < ${query.to.toISOString()}::timestamptz`,
  ];
  if (query.model) conditions.push(sql`e.model = ${query.model}`);
  if (query.keyId) conditions.push(sql`e.api_key_id = ${query.keyId}::uuid`);
  if (query.status) conditions.push(sql`e.status = ${query.status}`);
  return sql.join(conditions, sql` AND `);
}

/**
 * The summary in one pass over the filter's rows: a hash aggregate by (UTC day, model, key), whose few groups are
 * then rolled up with grouping sets into (day, model), (model), (key) and the total. Key names come from a join on
 * the grouped keys, after the aggregation.
 */
export function summarySql(query: UsageQuery): SQL {
  return sql`
    WITH base AS (
      SELECT
        (e.created_at AT TIME ZONE 'UTC')::date AS day,
        e.model,
        e.api_key_id,
        count(*) AS requests,
        sum(e.prompt_tokens) AS input_tokens,
        sum(e.completion_tokens) AS output_tokens,
        sum(e.cached_tokens) AS cached_tokens,
        sum(e.reasoning_tokens) AS reasoning_tokens,
        sum(e.cost_micro_usd) AS cost_micro_usd
      FROM usage_events e
      WHERE ${whereFilter(query)}
      GROUP BY 1, 2, 3
    ), grouped AS (
      SELECT
        GROUPING(day, model, api_key_id) AS set_id,
        to_char(day, 'YYYY-MM-DD') AS day,
        model,
        api_key_id,
        coalesce(sum(requests), 0) AS requests,
        coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(output_tokens), 0) AS output_tokens,
        coalesce(sum(cached_tokens), 0) AS cached_tokens,
        coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
        coalesce(sum(cost_micro_usd), 0) AS cost_micro_usd
      FROM base
      GROUP BY GROUPING SETS ((day, model), (model), (api_key_id), ())
    )
    SELECT g.*, k.name AS key_name
    FROM grouped g LEFT JOIN api_keys k ON k.id = g.api_key_id AND k.user_id = ${query.userId}`;
}

/** One page (plus one row, to know whether there is a next page), newest first, after `cursor`. */
export function eventsPageSql(query: UsageQuery, cursor: UsageCursor | null, limit: number): SQL {
  const after = cursor
    ? sql` AND (e.created_at, e.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`
    : sql``;
  return sql`
    SELECT
      e.id::text AS id,
      e.request_id,
      to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
      e.model, e.provider, e.api_key_id, k.name AS key_name,
      e.prompt_tokens, e.completion_tokens, e.cached_tokens, e.cache_write_tokens, e.reasoning_tokens,
      e.cost_micro_usd, e.latency_ms, e.time_to_first_token_ms, e.status, e.http_status, e.cache_hit, e.stream
    FROM usage_events e LEFT JOIN api_keys k ON k.id = e.api_key_id
    WHERE ${whereFilter(query)}${after}
    ORDER BY e.created_at DESC, e.id DESC
    LIMIT ${limit}`;
}

type Numeric = string | number | bigint;

interface SummaryRow extends Record<string, unknown> {
  set_id: number;
  day: string | null;
  model: string | null;
  api_key_id: string | null;
  key_name: string | null;
  requests: Numeric;
  input_tokens: Numeric;
  output_tokens: Numeric;
  cached_tokens: Numeric;
  reasoning_tokens: Numeric;
  cost_micro_usd: Numeric;
}

export interface EventRow extends Record<string, unknown> {
  id: string;
  request_id: string;
  created_at: string;
  model: string;
  provider: string;
  api_key_id: string | null;
  key_name: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_micro_usd: Numeric;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  status: string;
  http_status: number;
  cache_hit: boolean;
  stream: boolean;
}

function totalsOf(row: SummaryRow): UsageTotals {
  return {
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedTokens: Number(row.cached_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    costMicroUsd: Number(row.cost_micro_usd),
  };
}

const EMPTY_TOTALS: UsageTotals = {
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  reasoningTokens: 0,
  costMicroUsd: 0,
};

/** Most expensive first, then most requests, then by name, so the order is stable. */
const byCost = <T extends UsageTotals>(rows: T[], name: (row: T) => string): T[] =>
  rows.sort(
    (a, b) => b.costMicroUsd - a.costMicroUsd || b.requests - a.requests || name(a).localeCompare(name(b), "en"),
  );

/** GROUPING() bits, in the order (day, model, key): a bit is 1 when that column is not grouped. */
const SET_DAY_MODEL = 0b001;
const SET_MODEL = 0b101;
const SET_KEY = 0b110;
const SET_TOTAL = 0b111;

export async function usageSummary(db: Database, query: UsageQuery): Promise<UsageSummary> {
  const { rows } = await db.execute<SummaryRow>(summarySql(query));
  const summary: UsageSummary = { totals: { ...EMPTY_TOTALS }, byDay: [], byModel: [], byKey: [] };
  for (const row of rows) {
    const setId = Number(row.set_id);
    if (setId === SET_TOTAL) summary.totals = totalsOf(row);
    else if (setId === SET_DAY_MODEL) {
      const totals = totalsOf(row);
      summary.byDay.push({
        day: row.day ?? "",
        model: row.model ?? "",
        requests: totals.requests,
        costMicroUsd: totals.costMicroUsd,
      });
    } else if (setId === SET_MODEL) summary.byModel.push({ ...totalsOf(row), model: row.model ?? "" });
    else if (setId === SET_KEY) {
      summary.byKey.push({ ...totalsOf(row), keyId: row.api_key_id, keyName: row.api_key_id ? row.key_name : null });
    }
  }
  summary.byDay.sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model, "en"));
  byCost(summary.byModel, (row) => row.model);
  byCost(summary.byKey, (row) => row.keyName ?? "");
  return summary;
}

const asStatus = (status: string): UsageStatus =>
  status === "ok" || status === "error" || status === "cancelled" ? status : "error";

export function toUsageEvent(row: EventRow): UsageEvent {
  return {
    requestId: row.request_id,
    createdAt: new Date(row.created_at).toISOString(),
    model: row.model,
    provider: row.provider,
    keyId: row.api_key_id,
    keyName: row.api_key_id ? row.key_name : null,
    inputTokens: row.prompt_tokens,
    outputTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costMicroUsd: Number(row.cost_micro_usd),
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    status: asStatus(row.status),
    httpStatus: row.http_status,
    cacheHit: row.cache_hit,
    stream: row.stream,
  };
}

/** Up to `limit` rows after `cursor` with the raw rows' last position, and whether more follow. */
export async function readEventRows(
  db: Database,
  query: UsageQuery,
  cursor: UsageCursor | null,
  limit: number,
): Promise<{ rows: EventRow[]; next: UsageCursor | null }> {
  const { rows } = await db.execute<EventRow>(eventsPageSql(query, cursor, limit + 1));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null;
  return { rows: page, next };
}

export async function usageEventPage(
  db: Database,
  query: UsageQuery,
  cursor: UsageCursor | null,
  limit: number,
): Promise<UsageEventPage> {
  const { rows, next } = await readEventRows(db, query, cursor, limit);
  return { data: rows.map(toUsageEvent), nextCursor: next ? encodeCursor(next) : null };
}
