/**
 * Fair-use limits (policy 2) and the credit guard, enforced atomically in Redis by the admission script: exact under
 * concurrent load, OpenAI's 429/402 shapes and headers, and concurrency slots released on every path.
 */
import OpenAI from "openai";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, users } from "../../db/schema.ts";
import { accountBalanceSql, postUsage } from "../src/services/usage/post-usage.ts";
import {
  bearer,
  chatBody,
  gatewayFetch,
  openaiClient,
  seedAccount,
  waitForUsageRow,
  withDatabase,
} from "./support/gateway.ts";
import { standInCounters, testRedis } from "./support/stand-ins.ts";

async function limitKey(
  keyId: string,
  limits: Partial<{ requestsPerMinuteLimit: number; tokensPerMinuteLimit: number; concurrentRequestsLimit: number }>,
) {
  await withDatabase((db) => db.update(apiKeys).set(limits).where(eq(apiKeys.id, keyId)));
}

const post = (
  apiKey: string,
  content = "hello",
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) =>
  gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(apiKey), "cache-control": "no-store", ...headers },
    body: chatBody({ messages: [{ role: "user", content }], ...extra }),
  });

async function settled(responses: Response[]) {
  await Promise.all(responses.map((response) => response.arrayBuffer()));
  return responses.map((response) => response.status);
}

/** Waits until the settlement of earlier requests has released their slots (it runs in waitUntil). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("requests per minute", () => {
  it("admits exactly the limit under concurrent load, then 429 with OpenAI's headers", async () => {
    const account = await seedAccount();
    await limitKey(account.keyId, { requestsPerMinuteLimit: 7 });
    const statuses = await settled(await Promise.all(Array.from({ length: 20 }, () => post(account.apiKey))));
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
    expect(statuses.filter((status) => status === 429)).toHaveLength(13);

    const refused = await post(account.apiKey);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("7");
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+s$/);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", type: "rate_limit_error" } });
  });

  it("reports the remaining requests on every answer and surfaces as the SDK's RateLimitError", async () => {
    const account = await seedAccount();
    await limitKey(account.keyId, { requestsPerMinuteLimit: 2 });
    const first = await post(account.apiKey);
    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    expect(first.headers.get("x-ratelimit-limit-tokens")).toBeTruthy();
    await post(account.apiKey);
    const error = await openaiClient(account.apiKey)
      .chat.completions.create({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe("tokens per minute", () => {
  it("refuses once the minute's tokens are spent (counted at settlement)", async () => {
    const account = await seedAccount();
    await limitKey(account.keyId, { tokensPerMinuteLimit: 10 });
    expect((await post(account.apiKey, "a prompt long enough to spend more than ten tokens in one go")).status).toBe(
      200,
    );
    await eventually(async () => (await post(account.apiKey)).status === 429);
    const refused = await post(account.apiKey);
    expect(refused.headers.get("x-ratelimit-limit-tokens")).toBe("10");
    expect(refused.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  });
});

describe("concurrent requests", () => {
  it("admits exactly the limit in flight at once", async () => {
    const account = await seedAccount();
    await limitKey(account.keyId, { concurrentRequestsLimit: 3 });
    const statuses = await settled(
      await Promise.all(Array.from({ length: 12 }, () => post(account.apiKey, "[[sim stall_ms=800]]"))),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
  });

  it("always releases the slot: normal end, upstream error, client disconnect", async () => {
    const account = await seedAccount();
    await limitKey(account.keyId, { concurrentRequestsLimit: 1 });
    // The slot is released by the settlement, in the background after the response: wait for the sets to empty.
    const slotsHeld = async () => {
      const redis = testRedis();
      return (await redis.zcard(`omz:cc:${account.userId}`)) + (await redis.zcard(`omz:cck:${account.keyId}`));
    };
    const released = () => eventually(async () => (await slotsHeld()) === 0);

    expect((await post(account.apiKey)).status).toBe(200);
    await released();

    expect((await post(account.apiKey, "[[sim error=500]]")).status).toBe(502);
    await released();

    const streaming = await post(account.apiKey, "[[sim chunks=40 delay_ms=100]]", { stream: true });
    const reader = streaming.body!.getReader();
    await reader.read();
    expect(await slotsHeld()).toBe(2); // the account's slot and the key's
    expect((await post(account.apiKey)).status).toBe(429);
    await reader.cancel();
    await released();

    const cut = await post(account.apiKey, "[[sim chunks=6 disconnect_after=2]]", { stream: true });
    await cut.text();
    await released();
    expect((await post(account.apiKey)).status).toBe(200);
  });
});

describe("credit guard", () => {
  it("402 in OpenAI's shape when the prepaid credit is used up", async () => {
    const account = await seedAccount(0);
    const response = await post(account.apiKey);
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: { code: "insufficient_credit", type: "insufficient_quota" } });
  });

  it("deducts the actual cost after the response; the balance in Redis and Postgres agree", async () => {
    const account = await seedAccount(50);
    const ok = await post(account.apiKey, "[[sim words=2000]]", { max_tokens: 10 });
    expect(ok.status).toBe(200);
    const row = await waitForUsageRow(ok.headers.get("x-request-id") ?? "");
    expect(row.costMicroUsd).toBeGreaterThan(50);
    await eventually(async () => (await post(account.apiKey)).status === 402);
    const [before] = await withDatabase((db) =>
      db.select({ balance: accountBalanceSql }).from(users).where(eq(users.id, account.userId)),
    );
    expect(Number(before?.balance)).toBe(50 - row.costMicroUsd);
    await withDatabase((db) => postUsage(db));
    const [after] = await withDatabase((db) =>
      db.select({ balance: users.creditBalanceMicroUsd }).from(users).where(eq(users.id, account.userId)),
    );
    expect(after?.balance).toBe(50 - row.costMicroUsd);
  });
});

describe("failed authentication", () => {
  const unknownKey = () => `sk-omni-${crypto.randomUUID().replaceAll("-", "").padEnd(40, "x").slice(0, 40)}`;

  it("throttles an address after repeated failures, but never a valid key already in use behind it", async () => {
    const account = await seedAccount();
    const fresh = await seedAccount();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    // In use: its record is at the edge.
    expect((await post(account.apiKey, "x", {}, { "cf-connecting-ip": "198.51.100.7" })).status).toBe(200);
    for (let attempt = 0; attempt < 30; attempt += 1) {
      expect((await post(unknownKey(), "x", {}, { "cf-connecting-ip": ip })).status).toBe(401);
    }
    const blocked = await post(unknownKey(), "x", {}, { "cf-connecting-ip": ip });
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: { code: "auth_throttled" } });
    // A shared address (an office, a carrier NAT): the key in use keeps working.
    expect((await post(account.apiKey, "x", {}, { "cf-connecting-ip": ip })).status).toBe(200);
    // A key not yet known at the edge would need a Postgres lookup: that waits until the address cools down.
    expect((await post(fresh.apiKey, "x", {}, { "cf-connecting-ip": ip })).status).toBe(429);
  });

  it("counts malformed keys too (through the plain-fetch client), with an expiry", async () => {
    const ip = `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const window = Math.floor(Date.now() / 60_000);
    for (let attempt = 0; attempt < 30; attempt += 1) {
      expect((await post("not-a-key", "x", {}, { "cf-connecting-ip": ip })).status).toBe(401);
    }
    // The counter is written in the background (waitUntil); both minutes are checked in case one just turned.
    const counted = async () =>
      Number((await testRedis().get(`omz:authfail:${ip}:${window}`)) ?? 0) +
      Number((await testRedis().get(`omz:authfail:${ip}:${window + 1}`)) ?? 0);
    await expect.poll(counted).toBe(30);
    const ttls = [
      await testRedis().pttl(`omz:authfail:${ip}:${window}`),
      await testRedis().pttl(`omz:authfail:${ip}:${window + 1}`),
    ];
    expect(Math.max(...ttls)).toBeGreaterThan(60_000);
    const blocked = await post(unknownKey(), "x", {}, { "cf-connecting-ip": ip });
    expect(blocked.status).toBe(429);
  });

  it("counts an IPv6 /64 as one address", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const address = `${prefix}:${attempt.toString(16)}::${(attempt * 7).toString(16)}`;
      expect((await post(unknownKey(), "x", {}, { "cf-connecting-ip": address })).status).toBe(401);
    }
    expect((await post(unknownKey(), "x", {}, { "cf-connecting-ip": `${prefix}:ffff::1` })).status).toBe(429);
  });

  it("remembers an unknown key at the edge: asking again opens no Postgres connection", async () => {
    const key = unknownKey();
    const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    expect((await post(key, "x", {}, { "cf-connecting-ip": ip })).status).toBe(401);
    const before = await standInCounters();
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect((await post(key, "x", {}, { "cf-connecting-ip": ip })).status).toBe(401);
    expect((await standInCounters()).neon).toBe(before.neon);
  });
});
