/**
 * Upstash unreachable (the stand-in drops every command connection): admission fails closed with a 503 and
 * Retry-After in each surface's error shape, and a request admitted before the outage that finishes during it is
 * billed anyway: its usage row reaches Postgres directly (durable settlement), exactly once.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { usageEvents } from "../../db/schema.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";
import { bearer, chatBody, gatewayFetch, seedAccount, withDatabase } from "./support/gateway.ts";
import { setUpstashDown, testRedis } from "./support/stand-ins.ts";

async function usageRows(requestId: string) {
  return withDatabase((db) => db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId)));
}

describe("Upstash unreachable", () => {
  afterEach(async () => {
    await setUpstashDown(false);
  });

  it("refuses new requests with a 503 and Retry-After in the OpenAI and the Anthropic shape", async () => {
    const account = await seedAccount();
    await setUpstashDown(true);
    const openai = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(account.apiKey),
      body: chatBody(),
    });
    expect(openai.status).toBe(503);
    expect(openai.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await openai.json()).toMatchObject({
      error: { type: "api_error", code: "service_unavailable", param: null },
    });

    const anthropic = await gatewayFetch("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": account.apiKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "deepseek/deepseek-flash",
        max_tokens: 64,
        messages: [{ role: "user", content: "Hello" }],
      }),
    });
    expect(anthropic.status).toBe(503);
    expect(anthropic.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  it("bills a request admitted before the outage that settles during it: the usage row is written to Postgres directly", async () => {
    const account = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(account.apiKey),
      body: chatBody({ stream: true, messages: [{ role: "user", content: "Count [[sim chunks=6 delay_ms=100]]" }] }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id") ?? "";
    await setUpstashDown(true);
    expect(await response.text()).toContain("[DONE]");

    let rows = await usageRows(requestId);
    for (let attempt = 0; attempt < 100 && rows.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await usageRows(requestId);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: account.userId, status: "ok", stream: true });
    expect(rows[0]?.costMicroUsd).toBeGreaterThan(0);

    // After recovery the drain finds nothing to add for it: the row stays single.
    await setUpstashDown(false);
    await withDatabase((db) => drainUsage(testRedis(), db));
    expect(await usageRows(requestId)).toHaveLength(1);
  });
});
