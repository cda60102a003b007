/**
 * The round-trip budget of the hot path, counted at the stand-ins (the worker test files run one at a time, so the
 * counters see only this file's traffic). A warm request (its key's edge lease held by this isolate:
 * services/hot-path/edge-lease.ts) makes no Upstash request before the first byte goes upstream: a miss is known
 * from the account's cache summary (edge-cache-summaries.ts, read in the background), and only a possible hit reads
 * its entry (a plain GET, served by a replica on Upstash Global); a cold one reads the key record, reads Postgres
 * once and is granted a lease. After the response, the lease's flush adds one Upstash
 * request (it also queues the usage record); no request opens a Postgres connection to write: the usage drain writes
 * queued records in batches.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, chatBody, gatewayFetch, seedAccount } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";
import { standInCounters } from "./support/stand-ins.ts";

type Counters = { upstash: number; neon: number };
const difference = (after: Counters, before: Counters): Counters => ({
  upstash: after.upstash - before.upstash,
  neon: after.neon - before.neon,
});

/** Counters once background work (settlements, usage rows) has stopped changing them. */
async function quiet(): Promise<Counters> {
  let last = await standInCounters();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await standInCounters();
    if (next.upstash === last.upstash && next.neon === last.neon) return next;
    last = next;
  }
}

const send = (apiKey: string, content: string) =>
  gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: bearer(apiKey),
    body: chatBody({ messages: [{ role: "user", content }] }),
  });

const sendEmbeddings = (apiKey: string, content: string) =>
  gatewayFetch("/v1/embeddings", {
    method: "POST",
    headers: bearer(apiKey),
    body: JSON.stringify({ model: "openai/text-embedding-3-small", input: content }),
  });

/** Sends a request whose upstream stalls, and reads the counters while it waits upstream (before any byte). */
async function measure(
  apiKey: string,
  content: string,
  sender = send,
): Promise<{ beforeUpstream: Counters; total: Counters; cache: string | null }> {
  const start = await quiet();
  const pending = sender(apiKey, `${content} [[sim stall_ms=800]]`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const during = await standInCounters();
  const response = await pending;
  await response.arrayBuffer();
  return {
    beforeUpstream: difference(during, start),
    total: difference(await quiet(), start),
    cache: response.headers.get("x-omnizen-cache"),
  };
}

/**
 * Keeps the key's lease in this isolate while a measurement runs: a request in flight upstream holds it (an idle lease
 * is given back after EDGE_LEASE_QUIET_MS, shorter in the tests than the measurement).
 */
/**
 * In the last 5 s of a minute the isolate grants the next minute's lease in the background (one more round trip, by
 * design, and one more when that idle lease is given back): measure away from it.
 */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 9_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

async function holdingLease<T>(apiKey: string, work: () => Promise<T>): Promise<T> {
  await awayFromMinuteEnd();
  const holder = send(apiKey, `hold n${nonce()} [[sim stall_ms=6000]]`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    return await work();
  } finally {
    await (await holder).arrayBuffer();
  }
}

describe("round trips per gateway request", () => {
  // Redis learns each script once (EVALSHA answers NOSCRIPT, then one EVAL): that first-use round trip is not part
  // of any request's steady-state budget, so load the scripts before measuring.
  beforeAll(async () => {
    const { apiKey } = await seedAccount();
    await (await send(apiKey, `warm-up n${nonce()}`)).arrayBuffer();
    await quiet();
  });

  it("cold key record: the record read, Postgres once, and the grant (which reads the cache) before the upstream", async () => {
    const { apiKey } = await seedAccount();
    await awayFromMinuteEnd();
    const cold = await measure(apiKey, `n${nonce()}`);
    // And the account's cache summary, read in the background (not waited for) for the requests that follow.
    expect(cold.beforeUpstream).toEqual({ upstash: 3, neon: 1 });
    // Then the lease's flush, and its return once the isolate is quiet.
    expect(cold.total).toEqual({ upstash: 5, neon: 1 });
  });

  it("warm miss: no Upstash request before the upstream call (the cache summary says miss), one flush after", async () => {
    const { apiKey } = await seedAccount();
    await holdingLease(apiKey, async () => {
      const warm = await measure(apiKey, `n${nonce()}`);
      expect(warm.cache).toBe("MISS");
      expect(warm.beforeUpstream).toEqual({ upstash: 0, neon: 0 });
      expect(warm.total).toEqual({ upstash: 1, neon: 0 });
    });
  });

  it("embeddings (no prompt cache): no Upstash request at all before the upstream call, one flush after", async () => {
    const { apiKey } = await seedAccount();
    await holdingLease(apiKey, async () => {
      const warm = await measure(apiKey, `n${nonce()}`, sendEmbeddings);
      expect(warm.beforeUpstream).toEqual({ upstash: 0, neon: 0 });
      expect(warm.total).toEqual({ upstash: 1, neon: 0 });
    });
  });

  it("warm hit: the cache read to answer, nothing upstream, one flush", async () => {
    const { apiKey } = await seedAccount();
    const content = `n${nonce()}`;
    await (await send(apiKey, content)).arrayBuffer();
    await holdingLease(apiKey, async () => {
      const start = await quiet();
      const hit = await send(apiKey, content);
      expect(hit.headers.get("x-omnizen-cache")).toBe("HIT");
      await hit.arrayBuffer();
      expect(difference(await quiet(), start)).toEqual({ upstash: 2, neon: 0 });
    });
  });
});
