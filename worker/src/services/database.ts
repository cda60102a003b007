/**
 * Postgres through the Neon driver. Workers rule: IO clients are created per request, so a pool never outlives the
 * request (or the background task) that opened it.
 */
import { createDb, type Database } from "../../../db/client.ts";
import type { Config } from "../env.ts";

export type DatabaseSettings = Pick<Config, "DATABASE_URL" | "NEON_WS_PROXY">;

/** A pool opened on the first `get()`; `close()` ends it if it was opened (and a later `get()` opens a new one). */
export function lazyDatabase(config: DatabaseSettings): { get(): Database; close(): Promise<void> } {
  let open: ReturnType<typeof createDb> | undefined;
  return {
    get() {
      open ??= createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
      return open.db;
    },
    async close() {
      const pool = open?.pool;
      open = undefined;
      await pool?.end().catch(() => undefined);
    },
  };
}

/** Runs `work` over a pool of its own, ended when the work settles: for work that outlives a request's pool. */
export async function withDatabase<T>(config: DatabaseSettings, work: (db: Database) => Promise<T>): Promise<T> {
  const database = lazyDatabase(config);
  try {
    return await work(database.get());
  } finally {
    await database.close();
  }
}
