/**
 * The key record in Redis (`omz:key:<hash>`) lives 60 s after its fill. A key in use has it filled again from
 * Postgres by a background grant in its last 20 s (services/hot-path/edge-lease.ts), so no request of a key in use
 * finds it gone and waits for the cold fill (a Postgres read and a primary round trip).
 */
import { describe, expect, it } from "vitest";
import { hashApiKey } from "../src/lib/api-key.ts";
import { bearer, chatBody, forgetEdgeState, gatewayFetch, seedAccount } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

const send = async (apiKey: string) => {
  const response = await gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: bearer(apiKey),
    body: chatBody({ messages: [{ role: "user", content: `n${nonce()}` }] }),
  });
  await response.arrayBuffer();
  return response.status;
};

describe("key record refill", () => {
  it("fills a record Redis is about to drop again, in the background, while the key is in use", async () => {
    const { apiKey } = await seedAccount();
    expect(await send(apiKey)).toBe(200);
    const recordKey = `omz:key:${await hashApiKey(apiKey)}`;
    const redis = testRedis();
    await redis.pexpire(recordKey, 15_000);
    // This isolate reads the record again (and learns its TTL) on the next request.
    forgetEdgeState();
    expect(await send(apiKey)).toBe(200);
    expect(await redis.pttl(recordKey)).toBeLessThanOrEqual(15_000);
    // A request admitted from the lease starts the refill; the record lives another 60 s.
    expect(await send(apiKey)).toBe(200);
    let ttl = 0;
    for (let attempt = 0; attempt < 50 && ttl <= 30_000; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ttl = await redis.pttl(recordKey);
    }
    expect(ttl).toBeGreaterThan(30_000);
    expect(await redis.hget(recordKey, "u")).not.toBeNull();
  });

  it("leaves a record with time to live alone", async () => {
    const { apiKey } = await seedAccount();
    expect(await send(apiKey)).toBe(200);
    const recordKey = `omz:key:${await hashApiKey(apiKey)}`;
    const redis = testRedis();
    await redis.pexpire(recordKey, 50_000);
    forgetEdgeState();
    expect(await send(apiKey)).toBe(200);
    expect(await send(apiKey)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await redis.pttl(recordKey)).toBeLessThanOrEqual(50_000);
  });
});
