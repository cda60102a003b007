import { beforeEach, describe, expect, it } from "vitest";
import { edgeKeyRecords } from "./edge-key-records.ts";
import { readKeyAliases, type KeyAliasDeps } from "./key-aliases.ts";
import { KEY_RECORD_FIELDS } from "./lua-scripts.ts";

const NOW = Date.UTC(2026, 11, 6);
const ALIASES = { "claude-sonnet": "deepseek/deepseek-v4-pro" };

/**
 * A key record in Redis (or none), read by the read-only record script, and the Postgres rows a cold read would get;
 * counts the Redis and Postgres reads.
 */
function deps(record: Record<string, string> | null, rows: Array<{ aliases: unknown; expiresAt: Date | null }>) {
  let databaseReads = 0;
  let redisReads = 0;
  const read = async (_script: string, keys: string[]) => {
    redisReads += 1;
    expect(keys[0]).toBe("omz:key:h");
    return [...KEY_RECORD_FIELDS.map((field) => record?.[field] ?? null), 0, "0"];
  };
  const fake = {
    now: NOW,
    scripts: { evalshaRo: read, evalRo: read },
    openDatabase: async () => {
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
  return { fake, databaseReads: () => databaseReads, redisReads: () => redisReads };
}

describe("readKeyAliases", () => {
  beforeEach(() => edgeKeyRecords.clear());

  it("reads a warm record's aliases from Redis once, then from the isolate, without Postgres", async () => {
    const { fake, databaseReads, redisReads } = deps(
      { u: "user", k: "key", exp: "0", al: JSON.stringify(ALIASES) },
      [],
    );
    expect(await readKeyAliases(fake, "h")).toEqual(ALIASES);
    expect(await readKeyAliases(fake, "h")).toEqual(ALIASES);
    expect(redisReads()).toBe(1);
    expect(databaseReads()).toBe(0);
  });

  it("gives none for a key known to be unknown, or a warm record that is expired or has none", async () => {
    expect(await readKeyAliases(deps({ missing: "1" }, [{ aliases: ALIASES, expiresAt: null }]).fake, "h")).toEqual({});
    edgeKeyRecords.clear();
    const expired = { u: "user", k: "key", exp: String(NOW - 1), al: JSON.stringify(ALIASES) };
    expect(await readKeyAliases(deps(expired, []).fake, "h")).toEqual({});
    edgeKeyRecords.clear();
    expect(await readKeyAliases(deps({ u: "user", k: "key", exp: "0", al: "" }, []).fake, "h")).toEqual({});
  });

  it("reads Postgres once on a cold record (nothing kept in the isolate); an expired or absent key has none", async () => {
    const cold = deps(null, [{ aliases: ALIASES, expiresAt: new Date(NOW + 60_000) }]);
    expect(await readKeyAliases(cold.fake, "h")).toEqual(ALIASES);
    expect(cold.databaseReads()).toBe(1);
    expect(await readKeyAliases(cold.fake, "h")).toEqual(ALIASES);
    expect(cold.redisReads()).toBe(2);
    expect(await readKeyAliases(deps(null, [{ aliases: ALIASES, expiresAt: new Date(NOW) }]).fake, "h")).toEqual({});
    expect(await readKeyAliases(deps(null, []).fake, "h")).toEqual({});
  });

  it("keeps only string targets of a stored map", async () => {
    const stored = JSON.stringify({ ...ALIASES, broken: 42 });
    expect(await readKeyAliases(deps({ u: "user", k: "key", al: stored }, []).fake, "h")).toEqual(ALIASES);
  });
});
