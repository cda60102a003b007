import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { quoteIdentifier } from "./local-probe.ts";
import { resolvePostgres } from "./resolve.ts";

const database = `omnizen_resolve_test_${process.pid}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`drop database if exists ${quoteIdentifier(database)}`);
  await admin.end();
});

describe("resolvePostgres", () => {
  it("uses DATABASE_URL as is and never logs its password", async () => {
    const lines: string[] = [];
    const url = "postgres://app:s3cret@db.example.com:6543/omnizen?sslmode=require";
    const resolved = await resolvePostgres({
      database,
      dataDir: "/nonexistent",
      env: { DATABASE_URL: url },
      log: (line) => lines.push(line),
    });
    expect(resolved).toMatchObject({ url, kind: "env", host: "db.example.com", port: 6543 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("using env");
    expect(lines.join("\n")).not.toContain("s3cret");
    await resolved.close();
  });

  it("uses the local server, creating the database idempotently", async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const [first, second] = await Promise.all([
      resolvePostgres({ database, dataDir: "/nonexistent", env: {}, log }),
      resolvePostgres({ database, dataDir: "/nonexistent", env: {}, log }),
    ]);
    const third = await resolvePostgres({ database, dataDir: "/nonexistent", env: {}, log });
    for (const resolved of [first, second, third]) {
      expect(resolved).toMatchObject({
        kind: "local",
        host: "127.0.0.1",
        port: 5432,
        url: `postgres://postgres@127.0.0.1:5432/${database}`,
      });
    }
    expect(lines).toEqual(Array(3).fill(`postgres: using local server postgres://postgres@127.0.0.1:5432/${database}`));
    const client = new pg.Client({ connectionString: third.url });
    await client.connect();
    expect((await client.query("select current_database() as name")).rows).toEqual([{ name: database }]);
    await client.end();
    await third.close();
  });
});
