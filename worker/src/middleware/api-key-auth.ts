/**
 * `Authorization: Bearer sk-omni-...` on /v1/* (or `x-api-key`, as Anthropic clients send it). Warm path: one Upstash
 * call, no Postgres. A malformed key is refused without any lookup.
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
    const bearer = context.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const key = bearer ?? context.req.header("x-api-key")?.trim();
    if (!key) {
      throw new GatewayError("missing_api_key", "Missing API key: send 'Authorization: Bearer <your omnizen key>' (or 'x-api-key').");
    }
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
