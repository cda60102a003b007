import pg from "pg";

/** Outcome of probing a Postgres server. */
export type ProbeResult = { reachable: true } | { reachable: false; reason: string };

/** The local server the stack prefers: 127.0.0.1:5432, user postgres, no password. */
export const localPostgres = { host: "127.0.0.1", port: 5432, user: "postgres" } as const;

/**
 * Connects to the `postgres` database of the local server with a short timeout and, if `database` is missing,
 * creates it. Never throws for an unreachable server (returns why instead); throws when the server answers
 * but the database cannot be created. Safe to call concurrently and repeatedly.
 */
export async function probeLocalPostgres(database: string, connectTimeoutMilliseconds = 1_000): Promise<ProbeResult> {
  const client = new pg.Client({
    ...localPostgres,
    database: "postgres",
    connectionTimeoutMillis: connectTimeoutMilliseconds,
  });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return { reachable: false, reason: describeError(error) };
  }
  try {
    const existing = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${quoteIdentifier(database)}`).catch((error: { code?: string }) => {
        // 42P04 duplicate_database, 23505 when a concurrent create won the race.
        if (error.code !== "42P04" && error.code !== "23505") throw error;
      });
    }
    return { reachable: true };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Quotes a Postgres identifier ("a""b"). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function describeError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${code}: ${message ?? ""}`.trim() : (message ?? String(error));
}
