/**
 * The request-scoped services, built once per request by middleware/services.ts (unkey's `init` middleware is the
 * model) and read by handlers as `context.get("services")`. Services take these as plain values; nothing here
 * knows about Hono.
 */
import type { Database } from "../../../db/client.ts";
import type { Config } from "../env.ts";
import { lazyDatabase, withDatabase } from "./database.ts";
import { createScriptClient, type HotPathRedis } from "./hot-path/script-client.ts";

/** Reports failures of this request (Sentry through toucan-js when a DSN is set; ids and status only). */
export interface RequestErrorReporter {
  /** Reports `error` when `status` (what the caller received) is a server-side failure (>= 500). Never throws. */
  serverError(error: unknown, status: number): void;
  /** Reports a failure of work done after the response, tagged with the status the caller received. Never throws. */
  backgroundFailure(error: unknown): void;
}

export interface Services {
  /** The hot path's Upstash calls (one plain `fetch` each): scripts, GET, and the failed-authentication counter. */
  scripts: HotPathRedis;
  /**
   * The request's Postgres, opened on first call and ended after the response. Synchronous, for the cold app and the
   * cron, which load the driver before they run (services/database.ts); it throws where the driver is not loaded.
   */
  database(): Database;
  /** The same Postgres, for the hot path: imports the driver on first use (off a fresh isolate's start). */
  openDatabase(): Promise<Database>;
  /** Runs `work` over a Postgres pool of its own: for work that outlives the response (a streamed export, a
   * background usage write). */
  withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T>;
  errorReporter: RequestErrorReporter;
}

/** Builds the services of one request; `close` ends what was opened (call it through `waitUntil`). */
export function createServices(
  config: Config,
  errorReporter: RequestErrorReporter,
): { services: Services; close(): Promise<void> } {
  const database = lazyDatabase(config);
  return {
    services: {
      scripts: createScriptClient(config),
      database: () => database.get(),
      openDatabase: () => database.open(),
      withDatabase: (work) => withDatabase(config, work),
      errorReporter,
    },
    close: () => database.close(),
  };
}
