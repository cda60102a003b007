/**
 * The prompt cache (policy 4.2 and 6): keyed by an HMAC, scoped per key (so never across accounts), encrypted with
 * the caller's API key, one-hour TTL, opt-outs, and only complete successful answers are cached.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, users } from "../../db/schema.ts";
import { hashApiKey } from "../src/lib/api-key.ts";
import { cacheKey } from "../src/services/prompt-cache/cache-key.ts";
import { canonicalRequest } from "../src/services/prompt-cache/canonical-request.ts";
import { edgeCacheSummaries } from "../src/services/hot-path/edge-cache-summaries.ts";
import {
  accountCacheSummaryKeys,
  cacheSummaryKey,
  summaryHour,
  summaryPrefix,
} from "../src/services/prompt-cache/cache-summary.ts";
import {
  bearer,
  forgetEdgeState,
  gatewayFetch,
  openaiClient,
  seedAccount,
  waitForUsageRow,
  withDatabase,
} from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";
import { binding, testRedis } from "./support/stand-ins.ts";

const body = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "deepseek/deepseek-flash",
  messages: [{ role: "user", content }],
  ...extra,
});

const ask = (apiKey: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(apiKey), ...headers },
    body: JSON.stringify(payload),
  });

/** A usage object without its cost fields: a hit replays the token counts but is billed as a hit. */
function tokensOf(usage: unknown): unknown {
  if (typeof usage !== "object" || usage === null) return usage;
  const { cost: _cost, cost_details: _details, ...tokens } = usage as Record<string, unknown>;
  return tokens;
}

/** Waits until the settlement (waitUntil) stored the entry: the next identical request is a HIT. */
async function untilHit(apiKey: string, payload: Record<string, unknown>): Promise<Response> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await ask(apiKey, payload);
    if (response.headers.get("x-omnizen-cache") === "HIT") return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("never became a cache hit");
}

/** Waits until the settlement (waitUntil, after the response) stored an entry in the account's cache index. */
async function untilStored(userId: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if ((await testRedis().scard(`omz:pcidx:${userId}`)) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the cache entry was never stored");
}

describe("prompt cache", () => {
  it("MISS, then HIT with the same answer, one upstream call, a cache_hit usage row at the hit price", async () => {
    const { apiKey, userId } = await seedAccount();
    const marker = `n${nonce()}`;
    const payload = body(`${marker} what is omnizen?`);
    const miss = await ask(apiKey, payload);
    expect(miss.headers.get("x-omnizen-cache")).toBe("MISS");
    const missBody = (await miss.json()) as { choices: Array<{ message: { content: string } }>; usage: unknown };
    await untilStored(userId);
    const hit = await ask(apiKey, payload);
    expect(hit.headers.get("x-omnizen-cache")).toBe("HIT");
    const hitBody = (await hit.json()) as typeof missBody;
    expect(hitBody.choices[0]?.message.content).toBe(missBody.choices[0]?.message.content);
    // The same token counts; the cost is the hit's own (docs/api.md, "Cost").
    expect(tokensOf(hitBody.usage)).toEqual(tokensOf(missBody.usage));
    expect(await simulatorEntries(marker)).toHaveLength(1);
    const row = await waitForUsageRow(hit.headers.get("x-request-id") ?? "");
    const original = await waitForUsageRow(miss.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ cacheHit: true, provider: "cache", status: "ok" });
    expect(row.costMicroUsd).toBeLessThan(original.costMicroUsd);
  });

  it("replays a streamed answer as a stream with the same content, and serves the other kind too", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const content = `n${nonce()} stream me [[sim chunks=5]]`;
    const collect = async () => {
      const { data, response } = await client.chat.completions
        .create({
          model: "deepseek/deepseek-flash",
          messages: [{ role: "user", content }],
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let text = "";
      let usage: unknown;
      for await (const chunk of data) {
        text += chunk.choices[0]?.delta.content ?? "";
        usage = chunk.usage ?? usage;
      }
      return { text, usage: tokensOf(usage), status: response.headers.get("x-omnizen-cache") };
    };
    const first = await collect();
    expect(first.status).toBe("MISS");
    let second = await collect();
    for (let attempt = 0; attempt < 50 && second.status !== "HIT"; attempt += 1) second = await collect();
    expect(second).toEqual({ ...first, status: "HIT" });
    const json = await ask(apiKey, { model: "deepseek/deepseek-flash", messages: [{ role: "user", content }] });
    expect(json.headers.get("x-omnizen-cache")).toBe("HIT");
    expect(
      ((await json.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content,
    ).toBe(first.text);
  });

  it("never shares entries across accounts", async () => {
    const first = await seedAccount();
    const second = await seedAccount();
    const payload = body(`n${nonce()} shared question`);
    await (await ask(first.apiKey, payload)).arrayBuffer();
    await untilHit(first.apiKey, payload);
    const other = await ask(second.apiKey, payload);
    expect(other.headers.get("x-omnizen-cache")).toBe("MISS");
  });

  it("stores an encrypted entry under an HMAC key with a TTL of exactly one hour", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const payload = body(`${marker} secret-prompt-canary`);
    const miss = await ask(apiKey, payload);
    const answer =
      ((await miss.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? "";
    await untilHit(apiKey, payload);
    const key = await cacheKey({
      secret: binding("PROMPT_CACHE_SECRET"),
      scope: await hashApiKey(apiKey),
      canonical: canonicalRequest(
        { model: "deepseek/deepseek-flash", messages: [{ role: "user", content: `${marker} secret-prompt-canary` }] },
        "openai",
      ),
    });
    expect(key).toMatch(/^omz:pc:[0-9a-f]{64}$/);
    expect(key).not.toContain(marker);
    const redis = testRedis();
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
    const stored = String(await redis.get(key));
    expect(stored).not.toContain("secret-prompt-canary");
    expect(stored).not.toContain(answer.slice(0, 12));
  });

  it("opts out per request (Cache-Control: no-store, x-omnizen-cache: bypass) and per account", async () => {
    const { apiKey } = await seedAccount();
    const payload = body(`n${nonce()} private`);
    const optOuts: Array<Record<string, string>> = [{ "cache-control": "no-store" }, { "x-omnizen-cache": "bypass" }];
    for (const headers of optOuts) {
      const response = await ask(apiKey, payload, headers);
      expect(response.headers.get("x-omnizen-cache")).toBe("BYPASS");
      await response.arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await ask(apiKey, payload)).headers.get("x-omnizen-cache")).toBe("MISS");

    const optedOut = await seedAccount();
    await withDatabase((db) =>
      db.update(users).set({ promptCacheEnabled: false }).where(eq(users.id, optedOut.userId)),
    );
    const again = body(`n${nonce()} account opted out`);
    expect((await ask(optedOut.apiKey, again)).headers.get("x-omnizen-cache")).toBe("BYPASS");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await ask(optedOut.apiKey, again)).headers.get("x-omnizen-cache")).toBe("BYPASS");
  });

  it("never caches partial, failed or cancelled answers", async () => {
    const { apiKey } = await seedAccount();
    const cutMarker = `n${nonce()}`;
    const cut = body(`${cutMarker} [[sim chunks=6 disconnect_after=2]]`, { stream: true });
    await (await ask(apiKey, cut)).text();
    const failedMarker = `n${nonce()}`;
    const failed = body(`${failedMarker} [[sim error=500]]`);
    await (await ask(apiKey, failed)).arrayBuffer();
    const cancelledMarker = `n${nonce()}`;
    const cancelled = body(`${cancelledMarker} [[sim chunks=30 delay_ms=100]]`, { stream: true });
    const reader = (await ask(apiKey, cancelled)).body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const retriedCut = await ask(apiKey, cut);
    expect(retriedCut.headers.get("x-omnizen-cache")).toBe("MISS");
    await retriedCut.text();
    expect((await ask(apiKey, failed)).status).toBe(502);
    const retriedCancelled = await ask(apiKey, cancelled);
    expect(retriedCancelled.headers.get("x-omnizen-cache")).toBe("MISS");
    await retriedCancelled.body?.cancel();
    // Every retry went upstream again.
    for (const marker of [cutMarker, failedMarker, cancelledMarker])
      expect(await simulatorEntries(marker)).toHaveLength(2);
  });
});

describe("the account's cache summary (a warm miss reads no entry)", () => {
  const keyOf = async (apiKey: string, content: string) =>
    cacheKey({
      secret: binding("PROMPT_CACHE_SECRET"),
      scope: await hashApiKey(apiKey),
      canonical: canonicalRequest(
        { model: "deepseek/deepseek-flash", messages: [{ role: "user", content }] },
        "openai",
      ),
    });
  const summaryRead = async (userId: string, after: number) => {
    for (let attempt = 0; attempt < 50 && edgeCacheSummaries.readAt(userId) < after; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(edgeCacheSummaries.readAt(userId)).toBeGreaterThanOrEqual(after);
  };

  it("logs each stored entry's HMAC prefix in the hour's summary, kept until the entry has expired", async () => {
    const { apiKey, userId } = await seedAccount();
    const content = `n${nonce()} summarised`;
    await (await ask(apiKey, body(content))).arrayBuffer();
    await untilStored(userId);
    const key = await keyOf(apiKey, content);
    const summary = cacheSummaryKey(userId, summaryHour(Date.now()));
    const redis = testRedis();
    // Only the prefix: no content, and not even the whole key.
    expect(await redis.get(summary)).toBe(summaryPrefix(key));
    const ttl = await redis.ttl(summary);
    expect(ttl).toBeGreaterThan(3600);
    expect(ttl).toBeLessThanOrEqual(7200);
  });

  it("serves a warm miss without reading the entry once the summary says none, and a hit it stored at once", async () => {
    const { apiKey, userId } = await seedAccount();
    const content = `n${nonce()} hidden from the summary`;
    const payload = body(content);
    // The entry exists in Redis, but under no summary bit (as one stored by another isolate a moment ago).
    await (await ask(apiKey, payload)).arrayBuffer();
    await untilStored(userId);
    const key = await keyOf(apiKey, content);
    const redis = testRedis();
    const entry = String(await redis.get(key));
    await redis.del(key, ...accountCacheSummaryKeys(userId, Date.now()));
    forgetEdgeState();
    const started = Date.now();
    await (await ask(apiKey, body(`n${nonce()} warm-up`))).arrayBuffer();
    await summaryRead(userId, started);
    await redis.set(key, entry, { ex: 3600 });

    const skipped = await ask(apiKey, payload);
    expect(skipped.headers.get("x-omnizen-cache")).toBe("MISS");
    await skipped.arrayBuffer();
    // That miss stored the entry again, marked in this isolate: the next request reads it.
    await untilStored(userId);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const again = await ask(apiKey, payload);
      const status = again.headers.get("x-omnizen-cache");
      await again.arrayBuffer();
      if (status === "HIT") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the entry this isolate stored was never found");
  });

  it("without a summary read lately, reads the entry as before", async () => {
    const { apiKey, userId } = await seedAccount();
    const payload = body(`n${nonce()} no summary`);
    await (await ask(apiKey, payload)).arrayBuffer();
    await untilStored(userId);
    await testRedis().del(...accountCacheSummaryKeys(userId, Date.now()));
    forgetEdgeState();
    expect((await ask(apiKey, payload)).headers.get("x-omnizen-cache")).toBe("HIT");
  });
});

describe("an entry that fails to decrypt", () => {
  it("is served as a miss from the upstream, holding a concurrency slot and a reservation like any miss", async () => {
    const { apiKey, userId, keyId } = await seedAccount();
    await withDatabase((db) => db.update(apiKeys).set({ concurrentRequestsLimit: 1 }).where(eq(apiKeys.id, keyId)));
    const marker = `n${nonce()}`;
    const payload = body(`${marker} [[sim chunks=8 delay_ms=100]] decrypt me`, { stream: true });
    await (await ask(apiKey, payload)).text();
    await untilStored(userId);
    const [entryKey] = await testRedis().smembers(`omz:pcidx:${userId}`);
    // Still a hit for the admission script, but unreadable (as after a key rotation or a corrupted write).
    await testRedis().set(entryKey!, "not-an-encrypted-entry", { ex: 3600 });

    const served = await ask(apiKey, payload);
    expect(served.status).toBe(200);
    expect(served.headers.get("x-omnizen-cache")).toBe("MISS");
    const reader = served.body!.getReader();
    await reader.read();
    expect(await testRedis().zcard(`omz:cck:${keyId}`)).toBe(1);
    // Credit is held by the isolate's edge leases (one or more entries, each for several requests).
    expect(await testRedis().hlen(`omz:resv:${userId}`)).toBeGreaterThanOrEqual(1);
    // The key's one slot is taken: another request waits its turn.
    expect((await ask(apiKey, body(`${marker} another`))).status).toBe(429);
    while (!(await reader.read()).done);
    expect(await simulatorEntries(marker)).toHaveLength(2);
  });
});
