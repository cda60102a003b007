/**
 * `Authorization: Bearer sk-omni-...` on /v1/*. Warm path: one Upstash call, no Postgres. A malformed key is refused
 * without any lookup.
 */
import { createMiddleware } from "hono/factory";
import { createDb } from "../../../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import { GatewayError } from "../errors.ts";
import { hashApiKey, isWellFormedApiKey } from "../lib/api-key.ts";
import { createRedis } from "../services/redis.ts";
import { loadKeyFromDatabase, lookupKey } from "../services/key-store.ts";

export const apiKeyAuth = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const header = context.req.header("authorization");
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match?.[1]) {
      throw new GatewayError("missing_api_key", "Missing API key: send 'Authorization: Bearer <your omnizen key>'.");
    }
    const key = match[1];
    if (!isWellFormedApiKey(key)) throw invalidKey();
    const config = context.get("config");
    const keyHash = await hashApiKey(key);
    const record = await lookupKey(createRedis(config), keyHash, async () => {
      const { db, pool } = createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
      try {
        return await loadKeyFromDatabase(db, keyHash);
      } finally {
        context.executionCtx.waitUntil(pool.end());
      }
    });
    if (!record) throw invalidKey();
    context.set("auth", record);
    await next();
  });

const invalidKey = () => new GatewayError("invalid_api_key", "Invalid API key. Keys start with 'sk-omni-'; check it or create a new one.");
