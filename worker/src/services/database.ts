/**
 * Postgres through the Neon driver. Workers rule: IO clients are created per request, so a pool never outlives the
 * request (or the background task) that opened it.
 *
 * The driver (db/client.ts: drizzle-orm and @neondatabase/serverless) is imported on first use, off a fresh isolate's
 * start (docs/cold-start.md): a warm hot-path request never opens Postgres. The cold app (app.ts) loads it before its
 * first request, so its handlers call `get()` synchronously; the hot path calls `open()`.
 */
import type { Database } from "../../../db/client.ts";
import type { Config } from "../env.ts";
import { lazyModule } from "../lib/lazy-module.ts";

export type DatabaseSettings = Pick<Config, "DATABASE_URL" | "NEON_WS_PROXY">;

/** db/client.ts, imported once per isolate. */
export const databaseDriver = lazyModule(() => import("../../../db/client.ts"));

type OpenDatabase = ReturnType<typeof import("../../../db/client.ts").createDb>;

/**
 * A pool opened on the first `get()` or `open()`; `close()` ends it if it was opened (and a later call opens a new
 * one). `get()` needs the driver loaded (databaseDriver), and throws otherwise; `open()` loads it first if needed.
 */
export function lazyDatabase(config: DatabaseSettings): {
  get(): Database;
  open(): Promise<Database>;
  close(): Promise<void>;
} {
  let open: OpenDatabase | undefined;
  const get = (): Database => {
    const driver = databaseDriver.loaded;
    if (!driver) throw new Error("The database driver is not loaded: open() the database, or load the driver first.");
    open ??= driver.createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
    return open.db;
  };
  return {
    get,
    async open() {
      if (!databaseDriver.loaded) await databaseDriver.load();
      return get();
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
    return await work(await database.open());
  } finally {
    await database.close();
  }
}
