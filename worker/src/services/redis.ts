import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../env.ts";

const clients = new WeakMap<Config, Redis>();

/**
 * The Upstash REST client, one per isolate and configuration. It holds no socket or stream (each command is a
 * plain `fetch` made in the calling request), so unlike a Postgres pool it may outlive a request; building it per
 * request cost measurable CPU. Auto-pipelining is off: the hot path already sends one script per round trip. The
 * REST responses stay plain JSON (no base64 round trip): everything stored is UTF-8 text.
 */
export function createRedis(config: Config): Redis {
  let client = clients.get(config);
  if (!client) {
    client = new Redis({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
      automaticDeserialization: false,
      enableAutoPipelining: false,
      responseEncoding: false,
    });
    clients.set(config, client);
  }
  return client;
}
