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

/**
 * A key in use whose record Redis keeps only `ttlMs` more: this isolate reads the record again (learning its TTL) and
 * is granted a lease, then admits one more request from that lease.
 */
async function inUseWithRecordTtl(ttlMs: number): Promise<string> {
  const { apiKey } = await seedAccount();
  expect(await send(apiKey)).toBe(200);
  const recordKey = `omz:key:${await hashApiKey(apiKey)}`;
  await testRedis().pexpire(recordKey, ttlMs);
  forgetEdgeState();
  expect(await send(apiKey)).toBe(200);
  expect(await testRedis().pttl(recordKey)).toBeLessThanOrEqual(ttlMs);
  expect(await send(apiKey)).toBe(200);
  return recordKey;
}

describe("key record refill", () => {
  it("fills a record Redis is about to drop again, in the background, while the key is in use", async () => {
    const recordKey = await inUseWithRecordTtl(15_000);
    // The request admitted from the lease started the refill: the record lives another 60 s.
    const redis = testRedis();
    let ttl = 0;
    for (let attempt = 0; attempt < 50 && ttl <= 30_000; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ttl = await redis.pttl(recordKey);
    }
    expect(ttl).toBeGreaterThan(30_000);
    expect(await redis.hget(recordKey, "u")).not.toBeNull();
  });

  it("leaves a record with time to live alone", async () => {
    const recordKey = await inUseWithRecordTtl(50_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await testRedis().pttl(recordKey)).toBeLessThanOrEqual(50_000);
  });
});
