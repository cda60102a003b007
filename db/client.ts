/**
 * createDb: a Drizzle client over a Neon `Pool` (WebSocket, as in production). Workers rule: create the pool per
 * request, never at module scope, and end it with `ctx.waitUntil(pool.end())`.
 */
import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "./schema.ts";

export type Database = ReturnType<typeof drizzle<typeof schema>>;

export interface DatabaseConfig {
  url: string;
  /**
   * Local development only: `host:port` of a WebSocket-to-TCP bridge speaking Neon's wsproxy protocol
   * (local/neon-bridge). Unset in production, where Neon's own proxy is used over TLS.
   */
  wsProxy?: string | undefined;
}

function configureNeon(config: DatabaseConfig): void {
  const proxy = config.wsProxy;
  if (!proxy) return;
  // neonConfig is module-global in the driver; every request sets the same values, so this is idempotent.
  neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

export function createDb(config: DatabaseConfig): { db: Database; pool: Pool } {
  configureNeon(config);
  const pool = new Pool({ connectionString: config.url, max: 2 });
  // An idle client whose socket the runtime closes (request context ended) emits 'error' on the pool; without a
  // listener that is an uncaught exception. The next query opens a new connection, so noting it is enough.
  // After `end()` the runtime tearing the socket down is expected and not worth a line.
  pool.on("error", (error: Error) => {
    if ((pool as unknown as { ending?: boolean }).ending) return;
    console.warn(JSON.stringify({ event: "postgres-idle-client-error", error: error.constructor.name }));
  });
  return { db: drizzle(pool, { schema }), pool };
}
