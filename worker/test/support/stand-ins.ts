/** Direct access to the local stand-ins from tests: Redis through the Upstash REST stand-in, and request counters. */
import { env } from "cloudflare:test";
import { Redis } from "@upstash/redis/cloudflare";

const bindings = env as unknown as Record<string, string>;

export function testRedis(): Redis {
  return new Redis({
    url: bindings.UPSTASH_REDIS_REST_URL ?? "",
    token: bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
    enableTelemetry: false,
    automaticDeserialization: false,
  });
}

export function binding(name: string): string {
  return bindings[name] ?? "";
}

/** Requests served by the Upstash stand-in and WebSocket connections bridged to Postgres, so far. */
export async function standInCounters(): Promise<{ upstash: number; neon: number }> {
  const upstash = (await (
    await fetch(`${bindings.UPSTASH_REDIS_REST_URL}/_omnizen/stats`, {
      headers: { authorization: `Bearer ${bindings.UPSTASH_REDIS_REST_TOKEN}` },
    })
  ).json()) as { requests: number };
  const neon = (await (await fetch(`http://${bindings.NEON_WS_PROXY}/_stats`)).json()) as { connections: number };
  return { upstash: upstash.requests, neon: neon.connections };
}

/** Makes the Upstash stand-in drop every command connection (as if unreachable), or restores it. */
export async function setUpstashDown(down: boolean): Promise<void> {
  const response = await fetch(`${bindings.UPSTASH_REDIS_REST_URL}/_omnizen/fault`, {
    method: "POST",
    headers: { authorization: `Bearer ${bindings.UPSTASH_REDIS_REST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ down }),
  });
  if (!response.ok) throw new Error(`the Upstash stand-in refused the fault switch: ${response.status}`);
}
