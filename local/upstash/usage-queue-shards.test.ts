/**
 * The usage queue's shards under Upstash's key locking, through the real gateway on workerd: the lease flush script
 * locks the account's own queue shard, so two accounts' settlements hold their locks at the same time; with the
 * single queue of before (every settlement appending to `omz:usage:queue`), they wait on each other. The stand-in's
 * lock model (script-locks.ts, a geo profile whose `scriptLockHoldMs` keeps each script's locks 20 ms) says which:
 * the lease flush script's peak concurrency and the waits by the keys they were on (GET /_omnizen/stats `locks`).
 * The single-queue run is the same gateway behind a proxy that renames each shard key in the scripts' KEYS to the
 * old single queue, as the settlement of before passed it.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_FLUSH_SCRIPT } from "../../worker/src/services/hot-path/lua-scripts.ts";
import {
  ALL_USAGE_QUEUE_KEYS,
  LEGACY_USAGE_DRAINING_KEY,
  LEGACY_USAGE_QUEUE_KEY,
  usageQueueShard,
} from "../../worker/src/services/hot-path/script-keys.ts";
import { startLoadEnvironment, type LoadEnvironment } from "../load/load-environment.ts";
import { testInfrastructure } from "../test-environment.ts";
import type { UpstashGeoProfile } from "./geo-profile.ts";
import type { LockStats } from "./geo-router.ts";

/** How long the model holds a script's locks: long against the gap between two accounts' settlements. */
const HOLD_MS = 20;
/** Rounds of one request per account at once (the two settlements of a round start within a few ms). */
const ROUNDS = 6;
const PROFILE: UpstashGeoProfile = {
  name: "locks",
  primaryRttMs: 0,
  replicaRttMs: 0,
  replicationLagMs: 0,
  scriptLockHoldMs: HOLD_MS,
};
const SETTLEMENT_SHA = createHash("sha1").update(LEASE_FLUSH_SCRIPT).digest("hex");
const { redisUrl } = testInfrastructure(process.env);
const log = (line: string) => {
  if (process.env.OMNIZEN_TEST_VERBOSE) console.log(line);
};

/** Each shard key to the single queue of before, anywhere in a REST command (or a pipeline's commands). */
function toSingleQueue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSingleQueue);
  if (typeof value !== "string") return value;
  if (/^omz:usage:queue:\d+$/.test(value)) return LEGACY_USAGE_QUEUE_KEY;
  if (/^omz:usage:draining:\d+$/.test(value)) return LEGACY_USAGE_DRAINING_KEY;
  return value;
}

/** A pass-through proxy to the Upstash stand-in that, while `singleQueue()` holds, applies toSingleQueue. */
async function startQueueProxy(target: () => string, singleQueue: () => boolean): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const body = singleQueue() && raw !== "" ? JSON.stringify(toSingleQueue(JSON.parse(raw))) : raw;
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "content-type", "upstash-encoding"]) {
        const value = request.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      fetch(new URL(request.url ?? "/", target()), {
        method: request.method ?? "POST",
        headers,
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
      })
        .then(async (answer) => {
          const text = await answer.text();
          response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
          response.end(text);
        })
        .catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

let environment: LoadEnvironment;
let proxy: Server;
let standInUrl = "";
let singleQueue = false;
let redis: Redis;
const accounts: { apiKey: string; userId: string }[] = [];

beforeAll(async () => {
  proxy = await startQueueProxy(
    () => standInUrl,
    () => singleQueue,
  );
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  environment = await startLoadEnvironment({
    database: `${process.env.OMNIZEN_TEST_DATABASE ?? "omnizen_test"}_shards`,
    redisUrl,
    name: "usage-queue-shards-test",
    geo: { upstash: PROFILE, postgresRttMs: 0 },
    gatewayUpstashUrl: (url) => {
      standInUrl = url;
      return proxyUrl;
    },
    log,
  });
  redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // Two accounts on different shards.
  accounts.push({ apiKey: environment.apiKey, userId: environment.userId });
  while (accounts.length < 2) {
    const next = await environment.addAccount();
    if (usageQueueShard(next.userId) !== usageQueueShard(environment.userId)) accounts.push(next);
  }
}, 180_000);

afterAll(async () => {
  // The records this file queued leave the queues of the tests' Redis database (nothing else drains them here).
  if (redis) {
    for (const key of ALL_USAGE_QUEUE_KEYS) {
      for (const item of await redis.lrange(key, 0, -1)) {
        if (accounts.some((account) => item.includes(account.userId))) await redis.lrem(key, 0, item);
      }
    }
    redis.disconnect();
  }
  await environment?.close();
  await new Promise((resolve) => proxy?.close(resolve));
});

const standInAuth = () => ({ authorization: `Bearer ${environment.stack.workerBindings.UPSTASH_REDIS_REST_TOKEN}` });

/** A fresh lock model (the same profile again): its statistics start from zero. */
async function resetLocks(): Promise<void> {
  const response = await fetch(`${environment.stack.upstashUrl}/_omnizen/geo`, {
    method: "POST",
    headers: { ...standInAuth(), "content-type": "application/json" },
    body: JSON.stringify(PROFILE),
  });
  expect(response.status).toBe(200);
}

async function lockStats(): Promise<LockStats> {
  const response = await fetch(`${environment.stack.upstashUrl}/_omnizen/stats`, { headers: standInAuth() });
  return ((await response.json()) as { locks: LockStats }).locks;
}

/** One chat request per account, at once; resolves when both answered and both settlements queued their record. */
async function round(tag: string): Promise<void> {
  const before = await environment.queuedRecords();
  const statuses = await Promise.all(
    accounts.map(async (account, index) => {
      const response = await fetch(new URL("/v1/chat/completions", environment.gateway.url), {
        method: "POST",
        headers: { authorization: `Bearer ${account.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "deepseek/deepseek-flash",
          messages: [{ role: "user", content: `Shards ${tag} ${index} ${crypto.randomUUID()} [[sim chunks=2]]` }],
        }),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  expect(statuses).toEqual([200, 200]);
  await expect.poll(() => environment.queuedRecords(), { timeout: 10_000 }).toBe(before + accounts.length);
}

/** Waits of one script behind another on usage queue keys alone: one account waiting on another's settlement. */
const queueOnlyWaits = (stats: LockStats) =>
  Object.entries(stats.waitsByConflict)
    .filter(([conflict]) => conflict.split(" ").every((key) => key.startsWith("omz:usage:")))
    .reduce((sum, [, count]) => sum + count, 0);

describe("the usage queue's shards under key locking (gateway on workerd)", () => {
  it("two accounts' settlements run side by side; on the single queue of before they wait on each other", async () => {
    // Cold fills first, so the rounds below are warm (leases granted, then flushed).
    await round("warm-up");

    singleQueue = false;
    await resetLocks();
    for (let index = 0; index < ROUNDS; index += 1) await round(`sharded-${index}`);
    const sharded = await lockStats();
    log(`sharded: ${JSON.stringify(sharded)}`);

    singleQueue = true;
    await resetLocks();
    for (let index = 0; index < ROUNDS; index += 1) await round(`single-${index}`);
    const single = await lockStats();
    log(`single queue: ${JSON.stringify(single)}`);
    singleQueue = false;

    // Sharded: the two accounts' settlements held their locks at once, and no script waited on a queue key.
    expect(sharded.peakConcurrentByScript[SETTLEMENT_SHA]).toBeGreaterThanOrEqual(2);
    expect(queueOnlyWaits(sharded)).toBe(0);
    // The single queue: one settlement at a time, the other account's waiting on `omz:usage:queue`.
    expect(single.peakConcurrentByScript[SETTLEMENT_SHA]).toBe(1);
    expect(single.waitsByConflict[LEGACY_USAGE_QUEUE_KEY]).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
