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
 * The summary in one statement of two hash aggregates over the filter's rows: by (UTC day, model) and by key (with
 * the key's name, joined after the aggregation). Totals and the per-model rows are folded from the first here. Both
 * groupings have few groups (days x models, keys), so each is a hash aggregate that fits in `work_mem`; one
 * aggregate by (day, model, key) looks to the planner like tens of thousands of groups, and it sorts every row
 * instead. Without a filter on the model or status, the rows are read from `usage_events_user_created_id_idx` alone
 * (it carries the summed columns).
 */
export function summarySql(query: UsageQuery): SQL {
  const where = whereFilter(query);
  const sums = sql`
        count(*) AS requests,
        sum(e.prompt_tokens) AS input_tokens,
        sum(e.completion_tokens) AS output_tokens,
        sum(e.cached_tokens) AS cached_tokens,
        sum(e.reasoning_tokens) AS reasoning_tokens,
        sum(e.cost_micro_usd) AS cost_micro_usd`;
  return sql`
    SELECT 'day' AS grouping, to_char(g.day, 'YYYY-MM-DD') AS day, g.model, NULL::uuid AS api_key_id,
      NULL::text AS key_name, g.requests, g.input_tokens, g.output_tokens, g.cached_tokens, g.reasoning_tokens,
      g.cost_micro_usd
    FROM (
      SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day, e.model,${sums}
      FROM usage_events e WHERE ${where}
      GROUP BY 1, 2
    ) g
    UNION ALL
    SELECT 'key', NULL, NULL, g.api_key_id, k.name, g.requests, g.input_tokens, g.output_tokens, g.cached_tokens,
      g.reasoning_tokens, g.cost_micro_usd
    FROM (
      SELECT e.api_key_id,${sums}
      FROM usage_events e WHERE ${where}
      GROUP BY 1
    ) g LEFT JOIN api_keys k ON k.id = g.api_key_id AND k.user_id = ${query.userId}`;
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
  grouping: "day" | "key";
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

const addTotals = (into: UsageTotals, add: UsageTotals): void => {
  into.requests += add.requests;
  into.inputTokens += add.inputTokens;
  into.outputTokens += add.outputTokens;
  into.cachedTokens += add.cachedTokens;
  into.reasoningTokens += add.reasoningTokens;
  into.costMicroUsd += add.costMicroUsd;
};

export async function usageSummary(db: Database, query: UsageQuery): Promise<UsageSummary> {
  const { rows } = await db.execute<SummaryRow>(summarySql(query));
  const summary: UsageSummary = { totals: { ...EMPTY_TOTALS }, byDay: [], byModel: [], byKey: [] };
  const byModel = new Map<string, UsageTotals & { model: string }>();
  for (const row of rows) {
    const totals = totalsOf(row);
    if (row.grouping === "key") {
      summary.byKey.push({ ...totals, keyId: row.api_key_id, keyName: row.api_key_id ? row.key_name : null });
      continue;
    }
    const model = row.model ?? "";
    summary.byDay.push({ day: row.day ?? "", model, requests: totals.requests, costMicroUsd: totals.costMicroUsd });
    addTotals(summary.totals, totals);
    const entry = byModel.get(model) ?? { ...EMPTY_TOTALS, model };
    addTotals(entry, totals);
    byModel.set(model, entry);
  }
  summary.byDay.sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model, "en"));
  summary.byModel = byCost([...byModel.values()], (row) => row.model);
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
