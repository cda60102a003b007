/**
 * The usage API (/api/usage/summary, /api/usage/events, /api/usage/events.csv) against the real stack: rows seeded
 * straight into Postgres, then read through the worker with a session token. Checks the contract's shapes (zod),
 * totals and groupings against sums computed here, keyset paging without gaps or duplicates (rows sharing a
 * timestamp included), each filter, the CSV, every 400 naming its parameter, another account's rows never
 * visible, a deleted key's rows with `keyId` null, and that a session is required.
 */
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, usageEvents, type NewUsageEvent } from "../../db/schema.ts";
import {
  usageEventPageSchema,
  usageSummarySchema,
  type UsageEvent,
  type UsageEventPage,
} from "../src/contracts/dashboard-api.ts";
import { expectContract } from "./support/contract.ts";
import { dashboardFetch, seedDashboardUser, type DashboardUser } from "./support/dashboard.ts";
import { gatewayFetch, withDatabase } from "./support/gateway.ts";

const FROM = "2026-03-01T00:00:00.000Z";
const TO = "2026-03-04T00:00:00.000Z";
const MODELS = ["deepseek/deepseek-flash", "openai/gpt-6.1-terra", "anthropic/claude-sonnet-5-5"] as const;
const STATUSES = ["ok", "ok", "ok", "ok", "ok", "error", "cancelled"] as const;

interface Seeded {
  user: DashboardUser;
  keys: { id: string; name: string }[];
  /** The id of a key deleted after its rows were written. */
  deletedKeyId: string;
  rows: Array<NewUsageEvent & { createdAt: Date; requestId: string }>;
}

async function insertKey(userId: string, name: string): Promise<string> {
  const [row] = await withDatabase((db) =>
    db
      .insert(apiKeys)
      .values({ userId, name, keyHash: crypto.randomUUID(), prefix: "sk-omni-test" })
      .returning({ id: apiKeys.id }),
  );
  if (!row) throw new Error("key insert returned nothing");
  return row.id;
}

/** `count` rows over the 3 days from FROM (some sharing a timestamp), plus a few outside the range. */
async function seedUsage(count: number): Promise<Seeded> {
  const user = await seedDashboardUser();
  const keys = [
    { id: await insertKey(user.userId, "production"), name: "production" },
    { id: await insertKey(user.userId, "=cmd|' /C calc'!A0"), name: "=cmd|' /C calc'!A0" },
  ];
  const deletedKeyId = await insertKey(user.userId, "old");
  const tag = crypto.randomUUID().slice(0, 8);
  const start = Date.parse(FROM);
  const rows: Seeded["rows"] = [];
  for (let i = 0; i < count; i += 1) {
    // Every third row shares its timestamp with the previous one: the cursor must break the tie by id.
    const at = start + Math.floor(i - Math.floor(i / 3)) * 1_500_000 + 123;
    rows.push({
      requestId: `req_${tag}_${String(i).padStart(4, "0")}`,
      userId: user.userId,
      apiKeyId: i % 5 === 0 ? deletedKeyId : (keys[i % 2]?.id ?? null),
      model: MODELS[i % 3] ?? "x",
      provider: (MODELS[i % 3] ?? "x").split("/")[0] ?? "x",
      promptTokens: 100 + i,
      completionTokens: 10 + (i % 7),
      cachedTokens: i % 4,
      cacheWriteTokens: i % 2,
      reasoningTokens: i % 3,
      costMicroUsd: 1_000 + i * 13,
      priceVersion: "2026-12-05",
      status: STATUSES[i % STATUSES.length] ?? "ok",
      httpStatus: STATUSES[i % STATUSES.length] === "error" ? 502 : 200,
      latencyMs: 300 + i,
      timeToFirstTokenMs: i % 2 === 0 ? 40 + i : null,
      cacheHit: i % 10 === 0,
      stream: i % 2 === 1,
      createdAt: new Date(at),
    });
  }
  const outside = [new Date(start - 1), new Date(Date.parse(TO)), new Date(Date.parse(TO) + 5_000)].map((at, n) => ({
    ...rows[0]!,
    requestId: `req_${tag}_outside_${n}`,
    createdAt: at,
  }));
  await withDatabase(async (db) => {
    await db.insert(usageEvents).values([...rows, ...outside]);
    await db.delete(apiKeys).where(eq(apiKeys.id, deletedKeyId));
  });
  for (const row of rows) if (row.apiKeyId === deletedKeyId) row.apiKeyId = null;
  return { user, keys, deletedKeyId, rows };
}

function query(filter: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ from: FROM, to: TO, ...filter })) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  return params.toString();
}

async function getJson(path: string, token: string): Promise<unknown> {
  const response = await dashboardFetch(path, token);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return response.json();
}

/** Every page of the filter, following nextCursor. */
async function allPages(token: string, filter: Record<string, string | number>, limit: number) {
  const events: UsageEvent[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: UsageEventPage = expectContract(
      usageEventPageSchema,
      await getJson(`/api/usage/events?${query({ ...filter, limit, cursor })}`, token),
    );
    expect(page.data.length).toBeLessThanOrEqual(limit);
    events.push(...page.data);
    cursor = page.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { events, pages };
}

/** Newest first, ties by id (insertion order here). */
const newestFirst = (rows: Seeded["rows"]) =>
  rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime() || b.index - a.index)
    .map(({ row }) => row.requestId);

const totalsOf = (rows: Seeded["rows"]) => ({
  requests: rows.length,
  inputTokens: rows.reduce((sum, row) => sum + (row.promptTokens ?? 0), 0),
  outputTokens: rows.reduce((sum, row) => sum + (row.completionTokens ?? 0), 0),
  cachedTokens: rows.reduce((sum, row) => sum + (row.cachedTokens ?? 0), 0),
  reasoningTokens: rows.reduce((sum, row) => sum + (row.reasoningTokens ?? 0), 0),
  costMicroUsd: rows.reduce((sum, row) => sum + (row.costMicroUsd ?? 0), 0),
});

let main: Seeded;
let other: Seeded;

beforeAll(async () => {
  main = await seedUsage(237);
  other = await seedUsage(40);
}, 60_000);

describe("GET /api/usage/summary", () => {
  it("sums the filter's rows: totals, by UTC day and model, by model, by key with names", async () => {
    const summary = expectContract(
      usageSummarySchema,
      await getJson(`/api/usage/summary?${query({})}`, main.user.token),
    );
    expect(summary.totals).toEqual(totalsOf(main.rows));

    const byModel = MODELS.map((model) => ({
      model,
      ...totalsOf(main.rows.filter((row) => row.model === model)),
    })).sort((a, b) => b.costMicroUsd - a.costMicroUsd);
    expect(summary.byModel).toEqual(byModel);

    const keyIds = [main.keys[0]!.id, main.keys[1]!.id, null];
    const byKey = keyIds
      .map((keyId) => ({
        keyId,
        keyName: main.keys.find((key) => key.id === keyId)?.name ?? null,
        ...totalsOf(main.rows.filter((row) => row.apiKeyId === keyId)),
      }))
      .sort((a, b) => b.costMicroUsd - a.costMicroUsd);
    expect(summary.byKey).toEqual(byKey);

    const days = new Map<string, { day: string; model: string; requests: number; costMicroUsd: number }>();
    for (const row of main.rows) {
      const day = row.createdAt.toISOString().slice(0, 10);
      const entry = days.get(`${day} ${row.model}`) ?? { day, model: row.model, requests: 0, costMicroUsd: 0 };
      entry.requests += 1;
      entry.costMicroUsd += row.costMicroUsd ?? 0;
      days.set(`${day} ${row.model}`, entry);
    }
    expect(summary.byDay).toEqual(
      [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model)),
    );
    expect(new Set(summary.byDay.map((entry) => entry.day))).toEqual(
      new Set(["2026-03-01", "2026-03-02", "2026-03-03"]),
    );
  });

  it("applies model, key and status filters", async () => {
    const model = MODELS[1];
    const keyId = main.keys[0]!.id;
    const summary = expectContract(
      usageSummarySchema,
      await getJson(`/api/usage/summary?${query({ model, keyId, status: "ok" })}`, main.user.token),
    );
    const rows = main.rows.filter((row) => row.model === model && row.apiKeyId === keyId && row.status === "ok");
    expect(rows.length).toBeGreaterThan(0);
    expect(summary.totals).toEqual(totalsOf(rows));
    expect(summary.byModel.map((entry) => entry.model)).toEqual([model]);
    expect(summary.byKey.map((entry) => entry.keyId)).toEqual([keyId]);
  });

  it("is empty, not an error, for a range without requests", async () => {
    const summary = expectContract(
      usageSummarySchema,
      await getJson(
        `/api/usage/summary?${query({ from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" })}`,
        main.user.token,
      ),
    );
    expect(summary).toEqual({ totals: totalsOf([]), byDay: [], byModel: [], byKey: [] });
  });
});

describe("GET /api/usage/events", () => {
  it("pages newest first by cursor, without gaps or duplicates, across timestamp ties", async () => {
    const { events, pages } = await allPages(main.user.token, {}, 50);
    expect(pages).toBe(5);
    expect(events.map((event) => event.requestId)).toEqual(newestFirst(main.rows));

    // Default page size 50, and an odd page size gives the same sequence.
    const first = expectContract(
      usageEventPageSchema,
      await getJson(`/api/usage/events?${query({})}`, main.user.token),
    );
    expect(first.data).toHaveLength(50);
    const odd = await allPages(main.user.token, {}, 7);
    expect(odd.events.map((event) => event.requestId)).toEqual(newestFirst(main.rows));
  });

  it("keeps microsecond order: rows within one millisecond page one by one, none skipped or repeated", async () => {
    const user = await seedDashboardUser();
    const tag = crypto.randomUUID().slice(0, 8);
    // created_at as Postgres writes it (now() has microseconds): 6 rows inside 2026-03-02T00:00:00.123Z.
    await withDatabase((db) =>
      db.execute(sql`
        INSERT INTO usage_events (request_id, user_id, model, provider, price_version, status, http_status, latency_ms,
          created_at)
        SELECT ${`req_${tag}_`} || n, ${user.userId}, 'deepseek/deepseek-flash', 'deepseek', 'v', 'ok', 200, 1,
          '2026-03-02T00:00:00.123Z'::timestamptz + (n % 3) * interval '1 microsecond'
        FROM generate_series(0, 5) n`),
    );
    const { events, pages } = await allPages(user.token, {}, 1);
    expect(pages).toBe(6);
    expect(events.map((event) => event.requestId)).toEqual([5, 2, 4, 1, 3, 0].map((n) => `req_${tag}_${n}`));
  });

  it("answers each row's fields, keyName of live keys, keyId null for a deleted key's rows, no content", async () => {
    const { events } = await allPages(main.user.token, {}, 200);
    const byId = new Map(main.rows.map((row) => [row.requestId, row]));
    for (const event of events) {
      const row = byId.get(event.requestId)!;
      expect(event).toEqual({
        requestId: row.requestId,
        createdAt: row.createdAt.toISOString(),
        model: row.model,
        provider: row.provider,
        keyId: row.apiKeyId,
        keyName: main.keys.find((key) => key.id === row.apiKeyId)?.name ?? null,
        inputTokens: row.promptTokens,
        outputTokens: row.completionTokens,
        cachedTokens: row.cachedTokens,
        cacheWriteTokens: row.cacheWriteTokens,
        reasoningTokens: row.reasoningTokens,
        costMicroUsd: row.costMicroUsd,
        latencyMs: row.latencyMs,
        timeToFirstTokenMs: row.timeToFirstTokenMs,
        status: row.status,
        httpStatus: row.httpStatus,
        cacheHit: row.cacheHit,
        stream: row.stream,
      });
    }
    expect(events.filter((event) => event.keyId === null).length).toBe(
      main.rows.filter((row) => row.apiKeyId === null).length,
    );
    expect(JSON.stringify(events)).not.toContain(main.deletedKeyId);
  });

  it("filters by model, key and status, each paged completely", async () => {
    const cases: Array<[Record<string, string>, (row: Seeded["rows"][number]) => boolean]> = [
      [{ model: MODELS[2] }, (row) => row.model === MODELS[2]],
      [{ keyId: main.keys[1]!.id }, (row) => row.apiKeyId === main.keys[1]!.id],
      [{ status: "error" }, (row) => row.status === "error"],
      [{ status: "cancelled", model: MODELS[0] }, (row) => row.status === "cancelled" && row.model === MODELS[0]],
    ];
    for (const [filter, keep] of cases) {
      const { events } = await allPages(main.user.token, filter, 13);
      const expected = newestFirst(main.rows.filter(keep));
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(
        events.map((event) => event.requestId),
        JSON.stringify(filter),
      ).toEqual(expected);
    }
  });

  it("never shows another account's rows, even with its key id or a cursor from its pages", async () => {
    const { events } = await allPages(other.user.token, {}, 200);
    expect(events.map((event) => event.requestId)).toEqual(newestFirst(other.rows));
    const foreignKey = expectContract(
      usageEventPageSchema,
      await getJson(`/api/usage/events?${query({ keyId: main.keys[0]!.id })}`, other.user.token),
    );
    expect(foreignKey).toEqual({ data: [], nextCursor: null });
    const mainFirst = expectContract(
      usageEventPageSchema,
      await getJson(`/api/usage/events?${query({ limit: 10 })}`, main.user.token),
    );
    const withMainCursor = expectContract(
      usageEventPageSchema,
      await getJson(`/api/usage/events?${query({ cursor: mainFirst.nextCursor ?? "" })}`, other.user.token),
    );
    const otherIds = new Set(other.rows.map((row) => row.requestId));
    expect(withMainCursor.data.every((event) => otherIds.has(event.requestId))).toBe(true);
    const summary = expectContract(
      usageSummarySchema,
      await getJson(`/api/usage/summary?${query({ keyId: main.keys[0]!.id })}`, other.user.token),
    );
    expect(summary.totals.requests).toBe(0);
  });
});

describe("GET /api/usage/events.csv", () => {
  it("streams the filtered rows as CSV with a header, a file name, and formula-looking text defused", async () => {
    const response = await dashboardFetch(`/api/usage/events.csv?${query({ status: "ok" })}`, main.user.token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="omnizen-usage-2026-03-01-2026-03-04.csv"',
    );
    expect(response.headers.get("x-omnizen-csv-row-limit")).toBe("100000");
    const lines = (await response.text()).split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[0]).toBe(
      "request_id,created_at,model,provider,key_id,key_name,input_tokens,output_tokens,cached_tokens," +
        "cache_write_tokens,reasoning_tokens,cost_micro_usd,cost_usd,latency_ms,time_to_first_token_ms,status," +
        "http_status,cache_hit,stream",
    );
    const body = lines.slice(1, -1);
    const expected = newestFirst(main.rows.filter((row) => row.status === "ok"));
    expect(body.map((line) => line.split(",")[0])).toEqual(expected);
    const first = main.rows.find((row) => row.requestId === expected[0])!;
    const fields = body[0]!.split(",");
    expect(fields[1]).toBe(first.createdAt.toISOString());
    expect(fields[11]).toBe(String(first.costMicroUsd));
    expect(fields[12]).toBe(((first.costMicroUsd ?? 0) / 1_000_000).toFixed(6));
    expect(body.some((line) => line.includes(`,'=cmd|' /C calc'!A0,`))).toBe(true);
    expect(body.some((line) => /,=cmd/.test(line))).toBe(false);
    expect(body.some((line) => line.startsWith("#"))).toBe(false);
  });

  it("is only the caller's rows", async () => {
    const response = await dashboardFetch(`/api/usage/events.csv?${query({})}`, other.user.token);
    const ids = (await response.text())
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",")[0]);
    expect(ids).toEqual(newestFirst(other.rows));
  });
});

describe("validation and auth", () => {
  it("answers 400 invalid_request naming the parameter", async () => {
    const cases: Array<[string, string, string]> = [
      ["/api/usage/summary", "to=2026-03-04T00:00:00Z", "from"],
      ["/api/usage/summary", query({ from: "yesterday" }), "from"],
      ["/api/usage/summary", query({ from: "0000-01-01T00:00:00Z", to: "0000-02-01T00:00:00Z" }), "from"],
      ["/api/usage/summary", query({ from: "2099-12-01T00:00:00Z", to: "2100-01-02T00:00:00Z" }), "to"],
      ["/api/usage/summary", query({ to: "2026-13-01T00:00:00Z" }), "to"],
      ["/api/usage/summary", query({ from: TO, to: FROM }), "to"],
      ["/api/usage/summary", query({ from: FROM, to: FROM }), "to"],
      ["/api/usage/summary", query({ from: "2025-01-01T00:00:00Z", to: "2026-01-03T00:00:00Z" }), "to"],
      ["/api/usage/summary", query({ keyId: "not-a-uuid" }), "keyId"],
      ["/api/usage/summary", query({ status: "weird" }), "status"],
      ["/api/usage/summary", query({ model: "" }), "model"],
      ["/api/usage/summary", query({ limit: 10 }), "limit"],
      ["/api/usage/events", query({ limit: 0 }), "limit"],
      ["/api/usage/events", query({ limit: 201 }), "limit"],
      ["/api/usage/events", query({ limit: "ten" }), "limit"],
      ["/api/usage/events", query({ cursor: "bogus" }), "cursor"],
      ["/api/usage/events", query({ sort: "asc" }), "sort"],
      ["/api/usage/events.csv", query({ cursor: "x" }), "cursor"],
      ["/api/usage/events.csv", query({ from: "2026-03-05T00:00:00Z" }), "to"],
    ];
    for (const [path, search, param] of cases) {
      const response = await dashboardFetch(`${path}?${search}`, main.user.token);
      expect(response.status, `${path}?${search}`).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; param: string; message: string } };
      expect(error.code).toBe("invalid_request");
      expect(error.param, `${path}?${search}`).toBe(param);
      expect(error.message).toContain(param);
    }
    // 366 days is the widest range.
    const widest = await dashboardFetch(
      `/api/usage/summary?${query({ from: "2025-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" })}`,
      main.user.token,
    );
    expect(widest.status).toBe(200);
  });

  it("never answers a 5xx to any query string: 200 or a 400 in the error shape", async () => {
    // A fresh account: the dashboard allows 120 requests per minute per account.
    const fuzzer = await seedDashboardUser();
    const names = ["from", "to", "model", "keyId", "status", "cursor", "limit", "x", "from[]", ""];
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.constantFrom(FROM, TO, "ok", "error", "0", "-1", "1e3", "null", "NaN", main.keys[0]!.id, "%00"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/usage/summary", "/api/usage/events", "/api/usage/events.csv"),
        fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 6 }),
        async (path, params) => {
          const search = new URLSearchParams(params).toString();
          const response = await dashboardFetch(`${path}?${search}`, fuzzer.token);
          const text = await response.text();
          // The CSV has a budget of its own (5 a minute), which the fuzzer's runs use up: a 429 in the error shape.
          if (path.endsWith(".csv") && response.status === 429) {
            expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
            expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe("rate_limited");
            return;
          }
          expect([200, 400], `${path}?${search}`).toContain(response.status);
          if (response.status === 400) {
            const { error } = JSON.parse(text) as { error: { code: string; param: string | null } };
            expect(error.code).toBe("invalid_request");
            expect(error.param).not.toBeNull();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it("needs a session on every endpoint; an API key is refused", async () => {
    for (const path of [
      `/api/usage/summary?${query({})}`,
      `/api/usage/events?${query({})}`,
      `/api/usage/events.csv?${query({})}`,
      "/api/models",
      "/api/notices",
    ]) {
      expect((await gatewayFetch(path)).status, path).toBe(401);
      const withKey = await gatewayFetch(path, { headers: { authorization: `Bearer sk-omni-${"a".repeat(40)}` } });
      expect(withKey.status, path).toBe(401);
    }
  });
});
