import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import ws from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonBridge } from "../neon-bridge/server.ts";
import { resolvePostgres, type ResolvedPostgres } from "./resolve.ts";

const forced = { OMNIZEN_FORCE_EMBEDDED_POSTGRES: "1" };
const lines: string[] = [];
let dataDir: string;
let resolved: ResolvedPostgres;

async function connectedClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "omnizen-embedded-"));
  resolved = await resolvePostgres({ database: "omnizen", dataDir, env: forced, log: (line) => lines.push(line) });
});

afterAll(async () => {
  await resolved.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("embedded Postgres fallback (PGlite)", () => {
  it("is chosen when forced, says so loudly and listens on an ephemeral loopback port", () => {
    expect(resolved.kind).toBe("embedded");
    expect(resolved.host).toBe("127.0.0.1");
    expect(resolved.port).not.toBe(5432);
    expect(resolved.url).toBe(`postgres://postgres@127.0.0.1:${resolved.port}/omnizen`);
    expect(lines.some((line) => line.includes("EMBEDDED POSTGRES FALLBACK"))).toBe(true);
    expect(lines.some((line) => line.includes("OMNIZEN_FORCE_EMBEDDED_POSTGRES=1"))).toBe(true);
    expect(lines.filter((line) => line.startsWith("postgres: using embedded"))).toHaveLength(1);
  });

  it("serves two concurrent pg clients without mixing their statements, even with large parameters", async () => {
    const [first, second] = await Promise.all([connectedClient(resolved.url), connectedClient(resolved.url)]);
    const big = "b".repeat(2_000_000);
    const bigLoop = async () => {
      const rows: unknown[] = [];
      for (let round = 0; round < 8; round++) {
        rows.push((await first.query("select length($1::text) as size, 'first' as who", [big])).rows[0]);
      }
      return rows;
    };
    const smallLoop = async () => {
      const rows: unknown[] = [];
      for (let index = 0; index < 30; index++) {
        const result = await second.query("select $1::int * 2 as doubled, $2::text as label, 'second' as who", [
          index,
          `n${index}`,
        ]);
        rows.push(result.rows[0]);
      }
      return rows;
    };
    const [bigRows, smallRows] = await Promise.all([bigLoop(), smallLoop()]);
    expect(bigRows).toEqual(Array(8).fill({ size: 2_000_000, who: "first" }));
    expect(smallRows).toEqual(
      Array.from({ length: 30 }, (_, index) => ({ doubled: index * 2, label: `n${index}`, who: "second" })),
    );
    await Promise.all([first.end(), second.end()]);
  });

  it("keeps transactions whole while another client writes", async () => {
    const [first, second] = await Promise.all([connectedClient(resolved.url), connectedClient(resolved.url)]);
    await first.query(
      "create table ledger (id serial primary key, note text not null, created_at timestamptz default now())",
    );
    await first.query("begin");
    await first.query("insert into ledger (note) values ($1)", ["rolled back"]);
    const outside = second.query("insert into ledger (note) values ($1) returning id", ["outside"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await first.query("select note from ledger")).rows).toEqual([{ note: "rolled back" }]);
    await first.query("rollback");
    await outside;
    await first.query("begin");
    await first.query("insert into ledger (note) values ($1)", ["committed"]);
    await first.query("commit");
    expect((await second.query("select note from ledger order by id")).rows).toEqual([
      { note: "outside" },
      { note: "committed" },
    ]);
    await Promise.all([first.end(), second.end()]);
  });

  it("rolls back the transaction of a client that disconnects mid-way", async () => {
    const leaving = await connectedClient(resolved.url);
    leaving.on("error", () => {});
    await leaving.query("begin");
    await leaving.query("insert into ledger (note) values ($1)", ["abandoned"]);
    leaving.connection.stream.destroy();
    const staying = await connectedClient(resolved.url);
    expect((await staying.query("select count(*)::int as count from ledger where note = 'abandoned'")).rows).toEqual([
      { count: 0 },
    ]);
    await staying.end();
  });

  it("works through the neon bridge with the neon driver, as the worker reaches it", async () => {
    const bridgeLines: string[] = [];
    const bridge = await startNeonBridge({ log: (line) => bridgeLines.push(line) });
    neonConfig.webSocketConstructor = ws;
    neonConfig.wsProxy = (host, port) => `127.0.0.1:${bridge.port}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    const pool = new Pool({ connectionString: resolved.url, max: 3 });
    try {
      await pool.query(
        "create table if not exists accounts (id serial primary key, email text unique not null, credit bigint not null default 0, meta jsonb)",
      );
      const inserted = await pool.query(
        "insert into accounts (email, credit, meta) values ($1, $2, $3) returning id, credit",
        ["a@example.com", 500, { plan: "pro" }],
      );
      expect(inserted.rows).toEqual([{ id: 1, credit: "500" }]);
      const client = await pool.connect();
      await client.query("begin");
      await client.query("update accounts set credit = credit - $1 where email = $2", [200, "a@example.com"]);
      await client.query("commit");
      await client.query("begin");
      await client.query("update accounts set credit = 0 where email = $1", ["a@example.com"]);
      await client.query("rollback");
      client.release();
      const concurrent = await Promise.all(
        Array.from({ length: 9 }, (_, index) =>
          pool.query("select credit, meta, $1::int as index from accounts", [index]),
        ),
      );
      expect(concurrent.map((result) => result.rows[0])).toEqual(
        concurrent.map((_, index) => ({ credit: "300", meta: { plan: "pro" }, index })),
      );
    } finally {
      await pool.end();
      await bridge.close();
    }
    expect(bridgeLines.filter((line) => /error|refused/i.test(line))).toEqual([]);
  });

  it("keeps its data in dataDir across restarts", async () => {
    await resolved.close();
    resolved = await resolvePostgres({ database: "omnizen", dataDir, env: forced, log: () => {} });
    const client = await connectedClient(resolved.url);
    expect((await client.query("select email, credit from accounts")).rows).toEqual([
      { email: "a@example.com", credit: "300" },
    ]);
    await client.end();
  });
});
