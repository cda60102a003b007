import { describe, expect, it } from "vitest";
import { readKeyAliases, type KeyAliasDeps } from "./key-aliases.ts";

const NOW = Date.UTC(2026, 11, 6);
const ALIASES = { "claude-sonnet": "deepseek/deepseek-v4-pro" };

/** A key record in Redis (or none), and the Postgres rows a cold read would get; counts the Postgres reads. */
function deps(record: Record<string, string> | null, rows: Array<{ aliases: unknown; expiresAt: Date | null }>) {
  let databaseReads = 0;
  const fake = {
    now: NOW,
    redis: {
      hmget: async (_key: string, ...fields: string[]) =>
        record ? Object.fromEntries(fields.map((field) => [field, record[field] ?? null])) : null,
    },
    database: () => {
      const query = {
        select: () => query,
        from: () => query,
        where: () => query,
        limit: async () => {
          databaseReads += 1;
          return rows;
        },
      };
      return query;
    },
  } as unknown as KeyAliasDeps;
  return { fake, databaseReads: () => databaseReads };
}

describe("readKeyAliases", () => {
  it("reads a warm record's aliases from Redis, without Postgres", async () => {
    const { fake, databaseReads } = deps({ u: "user", exp: "0", al: JSON.stringify(ALIASES) }, []);
    expect(await readKeyAliases(fake, "hash")).toEqual(ALIASES);
    expect(databaseReads()).toBe(0);
  });

  it("gives none for a key known to be unknown, or a warm record that is expired or has none", async () => {
    expect(await readKeyAliases(deps({ missing: "1" }, [{ aliases: ALIASES, expiresAt: null }]).fake, "h")).toEqual({});
    const expired = { u: "user", exp: String(NOW - 1), al: JSON.stringify(ALIASES) };
    expect(await readKeyAliases(deps(expired, []).fake, "h")).toEqual({});
    expect(await readKeyAliases(deps({ u: "user", exp: "0", al: "" }, []).fake, "h")).toEqual({});
  });

  it("reads Postgres once on a cold record; an expired or absent key has none", async () => {
    const cold = deps(null, [{ aliases: ALIASES, expiresAt: new Date(NOW + 60_000) }]);
    expect(await readKeyAliases(cold.fake, "h")).toEqual(ALIASES);
    expect(cold.databaseReads()).toBe(1);
    expect(await readKeyAliases(deps(null, [{ aliases: ALIASES, expiresAt: new Date(NOW) }]).fake, "h")).toEqual({});
    expect(await readKeyAliases(deps(null, []).fake, "h")).toEqual({});
  });

  it("keeps only string targets of a stored map", async () => {
    const stored = JSON.stringify({ ...ALIASES, broken: 42 });
    expect(await readKeyAliases(deps({ u: "user", al: stored }, []).fake, "h")).toEqual(ALIASES);
  });
});
