import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../env.ts";

/** An Upstash REST client for this request (IO clients are created per request; the client is a thin fetch wrapper). */
export function createRedis(config: Config): Redis {
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    automaticDeserialization: false,
  });
}
