/**
 * `/api/usage`: the caller's usage, for the SPA's Overview and Usage pages (session auth). Every endpoint takes the
 * filter `from` (inclusive) and `to` (exclusive) as ISO 8601 date-times, at most 366 days apart, and optionally
 * `model`, `keyId`, `status` (contracts/dashboard-api.ts):
 * - `GET /api/usage/summary` → `UsageSummary`: totals, by UTC day × model, by model, by key (with key names).
 * - `GET /api/usage/events` (`&cursor&limit`, limit 1..200, default 50) → `UsageEventPage`, newest first, keyset-paged
 *   over (created_at, id); `nextCursor` is opaque.
 * - `GET /api/usage/events.csv` → the filter's rows as a CSV download (at most 100,000 rows; a cut export ends with
 *   a `# truncated` line, and `x-omnizen-csv-row-limit` names the limit).
 * A bad parameter is a 400 `invalid_request` whose `param` names it. Only the caller's own rows are ever read.
 */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../app-env.ts";
import {
  USAGE_CSV_MAX_ROWS,
  USAGE_MAX_RANGE_DAYS,
  USAGE_PAGE_DEFAULT,
  usageEventsQuerySchema,
  usageFilterSchema,
} from "../../contracts/dashboard-api.ts";
import { GatewayError } from "../../errors.ts";
import { usageCsvStream } from "../../services/usage/usage-csv.ts";
import {
  decodeCursor,
  usageEventPage,
  usageSummary,
  type UsageCursor,
  type UsageQuery,
} from "../../services/usage/usage-queries.ts";

const DAY_MS = 86_400_000;
/** Dates outside these bounds are typing mistakes (and year 0 is no Postgres date). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

function invalid(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", `Invalid ${param}: ${message}`, { param });
}

/** The query string through `schema`, refusing parameters it does not know. */
function parseQuery<Schema extends z.ZodObject>(context: Context<AppEnv>, schema: Schema): z.infer<Schema> {
  const raw = context.req.query();
  for (const name of Object.keys(raw)) {
    if (!(name in schema.shape)) throw invalid(name, "unknown parameter");
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(String(issue?.path[0] ?? "query"), issue?.message ?? "malformed");
  }
  return result.data;
}

function toUsageQuery(context: Context<AppEnv>, filter: z.infer<typeof usageFilterSchema>): UsageQuery {
  const from = new Date(filter.from);
  const to = new Date(filter.to);
  if (from.getTime() < EARLIEST) throw invalid("from", "must be in the year 2000 or later");
  if (to.getTime() > LATEST) throw invalid("to", "must be before the year 2100");
  if (from.getTime() >= to.getTime()) throw invalid("to", "must be later than from");
  if (to.getTime() - from.getTime() > USAGE_MAX_RANGE_DAYS * DAY_MS) {
    throw invalid("to", `the range may cover at most ${USAGE_MAX_RANGE_DAYS} days`);
  }
  return {
    userId: context.get("account").userId,
    from,
    to,
    model: filter.model,
    keyId: filter.keyId,
    status: filter.status,
  };
}

export const usageRoutes = new Hono<AppEnv>();

usageRoutes.get("/summary", async (context) => {
  const query = toUsageQuery(context, parseQuery(context, usageFilterSchema));
  return context.json(await usageSummary(context.get("services").database(), query));
});

usageRoutes.get("/events", async (context) => {
  const parsed = parseQuery(context, usageEventsQuerySchema);
  const query = toUsageQuery(context, parsed);
  let cursor: UsageCursor | null = null;
  if (parsed.cursor) {
    cursor = decodeCursor(parsed.cursor);
    if (!cursor) throw invalid("cursor", "not a cursor this endpoint gave; start again without it");
  }
  const page = await usageEventPage(
    context.get("services").database(),
    query,
    cursor,
    parsed.limit ?? USAGE_PAGE_DEFAULT,
  );
  return context.json(page);
});

usageRoutes.get("/events.csv", async (context) => {
  const parsed = parseQuery(context, usageFilterSchema);
  const query = toUsageQuery(context, parsed);
  const { requestId } = context.get("meta");
  const userId = query.userId;
  // A pool of its own, held until the stream has read its last page (after the handler returned and the request's
  // pool was ended), then ended in the background, as the account export does.
  const stream = await new Promise<ReadableStream<Uint8Array>>((resolve, reject) => {
    const streaming = context.get("services").withDatabase(async (db) => {
      let release: () => void = () => {};
      const released = new Promise<void>((done) => (release = done));
      resolve(
        usageCsvStream(db, query, {
          onDone: ({ status, rows, truncated }) => {
            console.log(JSON.stringify({ event: "usage-csv", requestId, userId, status, rows, truncated }));
            release();
          },
        }),
      );
      await released;
    });
    context.executionCtx.waitUntil(streaming.catch(reject));
  });
  const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);
  return context.body(stream, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="omnizen-usage-${day(parsed.from)}-${day(parsed.to)}.csv"`,
    "cache-control": "no-store",
    "x-omnizen-csv-row-limit": String(USAGE_CSV_MAX_ROWS),
  });
});
