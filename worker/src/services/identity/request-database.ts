/**
 * One Postgres pool per dashboard request, opened on first use and ended in `waitUntil` once the response is ready
 * (Workers rule: IO clients are created per request). The dashboard middleware reads the user's row and the route
 * then reads or writes more, over the same pool.
 */
import type { Context } from "hono";
import { createDb, type Database } from "../../../../db/client.ts";
import type { AppEnv } from "../../app-env.ts";

interface OpenDatabase {
  db: Database;
  end: () => Promise<void>;
}

const openDatabases = new WeakMap<Request, OpenDatabase>();

/** The request's database, opened on first call. `closeRequestDatabase` must run after the response. */
export function requestDatabase(context: Context<AppEnv>): Database {
  const open = openDatabases.get(context.req.raw);
  if (open) return open.db;
  const config = context.get("config");
  const { db, pool } = createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
  openDatabases.set(context.req.raw, { db, end: () => pool.end() });
  return db;
}

/** Ends the request's pool in the background, if one was opened. */
export function closeRequestDatabase(context: Context<AppEnv>): void {
  const open = openDatabases.get(context.req.raw);
  if (!open) return;
  openDatabases.delete(context.req.raw);
  context.executionCtx.waitUntil(open.end().catch(() => undefined));
}
