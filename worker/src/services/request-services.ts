/**
 * The request-scoped services, built once per request by middleware/services.ts (unkey's `init` middleware is the
 * model) and read by handlers as `context.get("services")`. Services take these as plain values; nothing here
 * knows about Hono.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../db/client.ts";
import type { Config } from "../env.ts";
import { lazyDatabase, withDatabase } from "./database.ts";
import type { ReadOnlyScriptClient, ScriptClient } from "./hot-path/script-client.ts";
import { createScriptClient } from "./hot-path/script-client.ts";
import { createRedis } from "./redis.ts";

/** Reports failures of this request (Sentry through toucan-js when a DSN is set; ids and status only). */
export interface RequestErrorReporter {
  /** Reports `error` when `status` (what the caller received) is a server-side failure (>= 500). Never throws. */
  serverError(error: unknown, status: number): void;
  /** Reports a failure of work done after the response, tagged with the status the caller received. Never throws. */
  backgroundFailure(error: unknown): void;
}

export interface Services {
  /** Upstash Redis (@upstash/redis, REST). */
  redis: Redis;
  /** The hot path's Upstash script calls (one plain `fetch` each). */
  scripts: ScriptClient & ReadOnlyScriptClient;
  /** The request's Postgres, opened on first call and ended after the response. */
  database(): Database;
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
      redis: createRedis(config),
      scripts: createScriptClient(config),
      database: () => database.get(),
      withDatabase: (work) => withDatabase(config, work),
      errorReporter,
    },
    close: () => database.close(),
  };
}
