/**
 * `npm run bench:usage`: the dashboard's usage queries at a million rows. Seeds a scratch database (default
 * `omnizen_bench_usage` on the local server 127.0.0.1:5432; never DATABASE_URL) with the committed migrations, one
 * account with 1,000,000 usage rows over 365 days (14 models, 5 keys, 3% of rows from a deleted key, 4% failed or
 * cancelled) and 9 other accounts with 100,000 rows each, all in SQL (generate_series). Then runs the statements the
 * worker runs (services/usage/usage-queries.ts, rendered by Drizzle) under EXPLAIN (ANALYZE, BUFFERS), and prints,
 * per query, the median of 5 timed runs, the rows, the indexes the plan used and the plan (abridged), as Markdown.
 *
 * Options: `--reuse` keeps an already seeded database; `--rows=<n>` changes the main account's row count;
 * `OMNIZEN_BENCH_DATABASE` names the database. Results: docs/benchmarks/2026-12-06-usage-queries.md.
 */
import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import pg from "pg";
import { migrateDatabase } from "../../db/migrate-node.ts";
import {
  eventsPageSql,
  summarySql,
  type UsageCursor,
  type UsageQuery,
} from "../../worker/src/services/usage/usage-queries.ts";
import { localPostgres, probeLocalPostgres, quoteIdentifier } from "../postgres/local-probe.ts";

const database = process.env.OMNIZEN_BENCH_DATABASE ?? "omnizen_bench_usage";
const reuse = process.argv.includes("--reuse");
const mainRows = Number(process.argv.find((arg) => arg.startsWith("--rows="))?.slice(7) ?? 1_000_000);
const OTHER_ACCOUNTS = 9;
const OTHER_ROWS = 100_000;
const MAIN_USER = "00000000-0000-4000-8000-000000000001";
const mainKey = (n: number) => `00000000-0000-4000-8000-0000000000a${n}`;
const DAY_MS = 86_400_000;

/** Models with weights (of 100): a few popular ones, a long tail; `kimi-k3` is the 1% one the filter test uses. */
const MODEL_WEIGHTS: Array<[string, number]> = [
  ["deepseek/deepseek-flash", 28],
  ["openai/gpt-6.1-terra", 14],
  ["anthropic/claude-sonnet-5-5", 12],
  ["anthropic/claude-haiku-5-5", 9],
  ["gemini/gemini-3.8-flash", 9],
  ["deepseek/deepseek-v4-pro", 6],
  ["qwen/qwen4-max", 5],
  ["zai/glm-5.3", 4],
  ["openai/gpt-6-luna", 4],
  ["minimax/minimax-m3", 3],
  ["anthropic/claude-opus-5-5", 2],
  ["gemini/gemini-3.1-pro-preview", 2],
  ["openai/gpt-6-astra", 1],
  ["moonshot/kimi-k3", 1],
];
const MODEL_SLOTS = MODEL_WEIGHTS.flatMap(([model, weight]) => Array.from({ length: weight }, () => model));

const dialect = new PgDialect();
const render = (statement: SQL) => dialect.sqlToQuery(statement);

function log(line: string): void {
  process.stderr.write(`[bench:usage] ${line}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function recreateDatabase(): Promise<void> {
  const admin = new pg.Client({ ...localPostgres, database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}

async function seed(client: pg.Client): Promise<void> {
  // Secondary indexes are dropped for the load and rebuilt from their own definitions (as migrated) afterwards.
  const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_events'
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'usage_events'::regclass)`,
  );
  for (const index of indexes) await client.query(`DROP INDEX ${quoteIdentifier(index.indexname)}`);

  await client.query(`INSERT INTO users (id, email, plan) VALUES ($1, 'bench-main@omnizen.test', 'internal')`, [
    MAIN_USER,
  ]);
  await client.query(
    `INSERT INTO users (id, email, plan)
     SELECT ('00000000-0000-4000-8000-1' || lpad(n::text, 11, '0'))::uuid, 'bench-' || n || '@omnizen.test', 'internal'
     FROM generate_series(1, $1) n`,
    [OTHER_ACCOUNTS],
  );
  for (let n = 1; n <= 5; n += 1) {
    await client.query(
      `INSERT INTO api_keys (id, user_id, name, key_hash, prefix) VALUES ($1::uuid, $2, $3, md5($1::text), 'sk-omni-bnch')`,
      [mainKey(n), MAIN_USER, `bench key ${n}`],
    );
  }
  await client.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix)
    SELECT id, 'other', md5(id::text), 'sk-omni-othr' FROM users WHERE id <> '${MAIN_USER}'`);

  const insert = (userSql: string, keySql: string, count: number, tag: string) =>
    client.query(
      `INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, prompt_tokens, completion_tokens,
         cached_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, price_version, status, http_status,
         cache_hit, stream, latency_ms, settled, time_to_first_token_ms, created_at)
       SELECT 'bench-${tag}-' || i, ${userSql}, ${keySql}, m.model, split_part(m.model, '/', 1),
         (random() * 4000)::int, (random() * 800)::int, (random() * 2000)::int, 0, (random() * 200)::int,
         (random() * 20000)::bigint, '2026-12-05',
         CASE WHEN r.s < 0.03 THEN 'error' WHEN r.s < 0.04 THEN 'cancelled' ELSE 'ok' END,
         CASE WHEN r.s < 0.03 THEN 502 ELSE 200 END,
         random() < 0.1, random() < 0.6, (200 + random() * 5000)::int, true, (50 + random() * 900)::int,
         now() - (i::float8 / $2) * interval '365 days' - random() * interval '60 seconds'
       FROM generate_series(1, $2) i
       CROSS JOIN LATERAL (SELECT random() + i * 0 AS s) r
       CROSS JOIN LATERAL (SELECT ($1::text[])[1 + floor(random() * 100 + i * 0)::int] AS model) m`,
      [MODEL_SLOTS, count],
    );

  await client.query("SELECT setseed(0.42)");
  const [, mainMs] = await timed(() =>
    insert(
      `'${MAIN_USER}'::uuid`,
      `CASE WHEN i % 33 = 0 THEN NULL ELSE ('00000000-0000-4000-8000-0000000000a' || (1 + i % 5))::uuid END`,
      mainRows,
      "main",
    ),
  );
  log(`seeded ${mainRows} rows of the main account in ${(mainMs / 1000).toFixed(1)} s`);
  for (let n = 1; n <= OTHER_ACCOUNTS; n += 1) {
    const user = `'00000000-0000-4000-8000-1${String(n).padStart(11, "0")}'::uuid`;
    await insert(user, `(SELECT id FROM api_keys WHERE user_id = ${user} LIMIT 1)`, OTHER_ROWS, `other${n}`);
  }
  log(`seeded ${OTHER_ACCOUNTS} x ${OTHER_ROWS} rows of other accounts`);
  const [, indexMs] = await timed(async () => {
    for (const index of indexes) await client.query(index.indexdef);
  });
  log(`rebuilt ${indexes.length} indexes in ${(indexMs / 1000).toFixed(1)} s`);
  await client.query("VACUUM (ANALYZE) usage_events");
  await client.query("VACUUM (ANALYZE) api_keys");
}

interface Measured {
  name: string;
  what: string;
  rows: number;
  medianMs: number;
  executionMs: number;
  buffers: string;
  indexes: string[];
  seqScan: boolean;
  plan: string[];
}

async function measure(client: pg.Client, name: string, what: string, statement: SQL): Promise<Measured> {
  const { sql: text, params } = render(statement);
  await client.query(text, params); // warm
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < 5; run += 1) {
    const [result, ms] = await timed(() => client.query(text, params));
    rows = result.rowCount ?? 0;
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const explained = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
  const plan = explained.rows.map((row) => row["QUERY PLAN"]);
  const indexes = [
    ...new Set(
      plan.flatMap((line) => [
        ...line.matchAll(/(?:(?:Index|Index Only) Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g),
      ]),
    ),
  ].map((match) => match[1] ?? "");
  const buffers = plan.find((line) => /^\s*Buffers:/.test(line))?.trim() ?? "";
  return {
    name,
    what,
    rows,
    medianMs: times[2] ?? 0,
    executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan.join("\n"))?.[1] ?? "NaN"),
    buffers,
    indexes: [...new Set(indexes)],
    seqScan: plan.some((line) => /Seq Scan on usage_events/.test(line)),
    plan,
  };
}

/** The plan without per-node timing noise, at most `lines` lines. */
const abridged = (plan: string[], lines = 14): string[] =>
  plan
    .filter((line) => !/^\s*(Planning|Execution) Time/.test(line))
    .slice(0, lines)
    .map((line) => line.replace(/\s+$/, ""));

async function main(): Promise<void> {
  if (!reuse) {
    const probe = await probeLocalPostgres("postgres");
    if (!probe.reachable) throw new Error(`the local Postgres (127.0.0.1:5432) is needed: ${probe.reason}`);
    await recreateDatabase();
  }
  const url = `postgres://${localPostgres.user}@${localPostgres.host}:${localPostgres.port}/${database}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!reuse) {
      await migrateDatabase(url);
      await seed(client);
    }
    const { rows: versionRows } = await client.query<{ server_version: string }>("SHOW server_version");
    const { rows: latestRows } = await client.query<{ latest: Date; count: string }>(
      "SELECT max(created_at) AS latest, count(*)::text AS count FROM usage_events WHERE user_id = $1",
      [MAIN_USER],
    );
    const latest = latestRows[0]?.latest ?? new Date();
    const to = new Date(latest.getTime() + 1);
    const last30: UsageQuery = { userId: MAIN_USER, from: new Date(to.getTime() - 30 * DAY_MS), to };
    const year: UsageQuery = { userId: MAIN_USER, from: new Date(to.getTime() - 366 * DAY_MS), to };
    const { rows: deep } = await client.query<{ id: string; created_at: string }>(
      `SELECT id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
       FROM usage_events WHERE user_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
      [MAIN_USER, Math.floor(mainRows / 2) - 1],
    );
    const deepCursor: UsageCursor | null = deep[0] ? { createdAt: deep[0].created_at, id: deep[0].id } : null;

    const results: Measured[] = [];
    const run = async (name: string, what: string, statement: SQL) => {
      const result = await measure(client, name, what, statement);
      log(`${name}: median ${result.medianMs.toFixed(1)} ms, ${result.rows} rows, ${result.indexes.join(", ")}`);
      results.push(result);
    };
    await run("summary-30d", "summary, last 30 days (the Overview)", summarySql(last30));
    await run("summary-366d", "summary, 366 days (all 1M rows)", summarySql(year));
    await run(
      "summary-366d-model",
      "summary, 366 days, model = kimi-k3 (1%)",
      summarySql({ ...year, model: "moonshot/kimi-k3" }),
    );
    await run("page-first", "first page (50), last 30 days", eventsPageSql(last30, null, 51));
    await run("page-first-366d", "first page (50), 366 days", eventsPageSql(year, null, 51));
    await run(
      "page-deep",
      `page (50) after row ${Math.floor(mainRows / 2)}, by cursor, 366 days`,
      eventsPageSql(year, deepCursor, 51),
    );
    await run(
      "page-model",
      "first page (50), model = kimi-k3 (1%), 366 days",
      eventsPageSql({ ...year, model: "moonshot/kimi-k3" }, null, 51),
    );
    await run(
      "page-model-deep",
      "page (50) by cursor, model = kimi-k3, 366 days",
      eventsPageSql({ ...year, model: "moonshot/kimi-k3" }, deepCursor, 51),
    );
    await run(
      "page-key",
      "first page (50), one key (19%), 366 days",
      eventsPageSql({ ...year, keyId: mainKey(3) }, null, 51),
    );
    await run(
      "page-status",
      "first page (50), status = error (3%), 366 days",
      eventsPageSql({ ...year, status: "error" }, null, 51),
    );
    await run("csv-page", "one CSV page (2,000 rows) by cursor, 366 days", eventsPageSql(year, deepCursor, 2_001));

    // The whole CSV: 50 pages of 2,000 rows (100,000, the export's limit), as the stream reads them.
    let cursor: UsageCursor | null = null;
    let csvRows = 0;
    const [, csvMs] = await timed(async () => {
      for (let page = 0; page < 50; page += 1) {
        const { sql: text, params } = render(eventsPageSql(year, cursor, 2_001));
        const { rows } = await client.query<{ id: string; created_at: string }>(text, params);
        const kept = rows.slice(0, 2_000);
        csvRows += kept.length;
        const last = kept[kept.length - 1];
        if (rows.length <= 2_000 || !last) break;
        cursor = { createdAt: last.created_at, id: last.id };
      }
    });
    log(`csv: ${csvRows} rows in ${csvMs.toFixed(0)} ms`);

    const out: string[] = [];
    out.push(
      `PostgreSQL ${versionRows[0]?.server_version ?? "?"}; main account ${latestRows[0]?.count ?? "?"} rows; ` +
        `${OTHER_ACCOUNTS} other accounts x ${OTHER_ROWS} rows.`,
      "",
    );
    out.push("| query | rows | median of 5 (ms) | EXPLAIN ANALYZE execution (ms) | indexes used | seq scan |");
    out.push("|---|---|---|---|---|---|");
    for (const result of results) {
      out.push(
        `| ${result.what} | ${result.rows} | ${result.medianMs.toFixed(1)} | ${result.executionMs.toFixed(1)} | ` +
          `${result.indexes.map((name) => `\`${name}\``).join(", ") || "none"} | ${result.seqScan ? "yes" : "no"} |`,
      );
    }
    out.push(
      `| the whole CSV: 50 pages of 2,000 rows by cursor | ${csvRows} | ${csvMs.toFixed(0)} (total) | | | |`,
      "",
    );
    for (const result of results) {
      out.push(`### ${result.name}: ${result.what}`, "", "```", ...abridged(result.plan), "```", "");
    }
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await client.end();
  }
}

await main();
