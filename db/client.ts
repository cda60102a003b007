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
  return { db: drizzle(pool, { schema }), pool };
}
