import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { createRedis } from "../services/redis.ts";

/**
 * Sets the request's `redis` (the Upstash client of services/redis.ts) on the cold app's paths (cold-app.ts). The hot
 * path reaches Upstash only through its plain-`fetch` script client (`services.scripts`), so @upstash/redis stays off
 * a fresh isolate's start (docs/cold-start.md).
 */
export const redis = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    context.set("redis", createRedis(context.get("config")));
    await next();
  });
