import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testInfrastructure } from "../test-environment.ts";
import type { UpstashGeoProfile } from "./geo-profile.ts";
import { startUpstashServer, type UpstashServer } from "./server.ts";

const token = "test-token-geo";
const { redisUrl } = testInfrastructure(process.env);
const prefix = `omnizen-geo-test:${process.pid}:${Date.now()}:`;
const key = (name: string) => `${prefix}${name}`;

// Far apart, so the timing checks hold on a loaded machine.
const far: UpstashGeoProfile = { name: "test-far", primaryRttMs: 250, replicaRttMs: 30, replicationLagMs: 400 };

async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await action();
  return { value, ms: performance.now() - started };
}

async function post(server: UpstashServer, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe.each([
  { backend: "redis", forceEmbedded: false },
  { backend: "embedded", forceEmbedded: true },
])("the Upstash Global model on the $backend backend", ({ forceEmbedded }) => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  beforeAll(async () => {
    server = await startUpstashServer({ token, redisUrl, forceEmbedded, log: () => undefined, geo: far });
    redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false, readYourWrites: false });
  });
  afterAll(async () => {
    await server.setGeoProfile(undefined);
    await redis.del(key("a"), key("b"), key("c"), key("d"));
    await server.close();
  });

  it("sends writes to the primary and reads to the replica, which sees the primary as it was `lag` ago", async () => {
    const write = await timed(() => redis.set(key("a"), "v1"));
    expect(write.ms).toBeGreaterThanOrEqual(far.primaryRttMs - 2);
    const read = await timed(() => redis.get(key("a")));
    expect(read.ms).toBeGreaterThanOrEqual(far.replicaRttMs - 2);
    expect(read.ms).toBeLessThan(far.primaryRttMs);
    expect(read.value).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, far.replicationLagMs));
    expect(await redis.get(key("a"))).toBe("v1");
  });

  it("runs EVAL on the primary and EVAL_RO on the replica", async () => {
    const script = `redis.call("INCR", KEYS[1])\nreturn redis.call("GET", KEYS[1])`;
    const write = await timed(() => redis.eval(script, [key("b")], []));
    expect(Number(write.value)).toBe(1);
    expect(write.ms).toBeGreaterThanOrEqual(far.primaryRttMs - 2);
    const reader = `return redis.call("GET", KEYS[1])`;
    const read = await timed(() => redis.evalRo(reader, [key("b")], []));
    expect(read.ms).toBeLessThan(far.primaryRttMs);
    expect(read.value).toBeNull();
    await server.geoRouter()?.drained();
    expect(Number(await redis.evalRo(reader, [key("b")], []))).toBe(1);
    // A write inside a read-only script fails, as on Upstash (the embedded Lua does not enforce EVAL_RO).
    if (!forceEmbedded)
      await expect(redis.evalRo(`return redis.call("SET", KEYS[1], "x")`, [key("b")], [])).rejects.toThrow();
  });

  it("serves a pipeline of reads from the replica and a pipeline with a write from the primary", async () => {
    const reads = await timed(() =>
      post(server, "/pipeline", [
        ["GET", key("c")],
        ["EXISTS", key("c")],
      ]),
    );
    expect(reads.ms).toBeLessThan(far.primaryRttMs);
    const mixed = await timed(() =>
      post(server, "/pipeline", [
        ["SET", key("c"), "p"],
        ["GET", key("c")],
      ]),
    );
    expect(mixed.ms).toBeGreaterThanOrEqual(far.primaryRttMs - 2);
    expect(mixed.value.body).toEqual([{ result: "OK" }, { result: "p" }]);
  });

  it("starts with an empty script cache: EVALSHA of a script never sent answers NOSCRIPT", async () => {
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow("NOSCRIPT");
    const sha = await redis.scriptLoad("return 7");
    expect(await redis.evalshaRo(sha, [], [])).toBe(7);
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it("rejects a bad profile and switches the model off with an empty one", async () => {
    expect(
      (await post(server, "/_omnizen/geo", { primaryRttMs: -1, replicaRttMs: 0, replicationLagMs: 0 })).status,
    ).toBe(400);
    expect(await post(server, "/_omnizen/geo", {})).toEqual({ status: 200, body: { geo: null } });
    await redis.set(key("d"), "now");
    expect(await redis.get(key("d"))).toBe("now");
    expect(
      (await post(server, "/_omnizen/geo", { ...far, primaryRttMs: 0, replicaRttMs: 0, replicationLagMs: 200 })).status,
    ).toBe(200);
    // The new replica starts from the primary's data (copied; an embedded replica starts empty).
    expect(await redis.get(key("d"))).toBe(forceEmbedded ? null : "now");
    await server.setGeoProfile(far);
  });
});

describe("script locks in the Upstash Global model", () => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  const hold = 100;
  const rtt = 200;
  beforeAll(async () => {
    server = await startUpstashServer({
      token,
      redisUrl,
      log: () => undefined,
      geo: { name: "locks", primaryRttMs: rtt, replicaRttMs: 0, replicationLagMs: 0, scriptLockHoldMs: hold },
    });
    redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
  });
  afterAll(async () => {
    await redis.del(...[0, 1, 2, 3].map((index) => key(`lock${index}`)));
    await server.close();
  });

  const runFour = (script: string, sameKey: boolean) =>
    timed(() =>
      Promise.all(
        [0, 1, 2, 3].map((index) => redis.eval(script, [key(`lock${sameKey ? 0 : index}`)], [String(index)])),
      ),
    );

  it("runs scripts without allow-key-locking one at a time, and their RTT outside the lock", async () => {
    const { ms } = await runFour(`return redis.call("SET", KEYS[1], ARGV[1])`, false);
    expect(ms).toBeGreaterThanOrEqual(4 * hold);
    // With the round trip under the lock it would take 4 × (hold + rtt).
    expect(ms).toBeLessThan(4 * hold + 2 * rtt);
  });

  it("runs allow-key-locking scripts on disjoint keys side by side, and on the same key one at a time", async () => {
    const script = `#!lua flags=allow-key-locking\nreturn redis.call("SET", KEYS[1], ARGV[1])`;
    const disjoint = await runFour(script, false);
    // One at a time would take at least 4 × hold + rtt.
    expect(disjoint.ms).toBeLessThan(3 * hold + rtt);
    expect(server.geoRouter()?.peakConcurrentScripts).toBe(4);
    const same = await runFour(script, true);
    expect(same.ms).toBeGreaterThanOrEqual(4 * hold);
  });
});

describe("billing counters of the Upstash Global model", () => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  beforeAll(async () => {
    server = await startUpstashServer({
      token,
      redisUrl,
      log: () => undefined,
      geo: { name: "billing", primaryRttMs: 0, replicaRttMs: 0, replicationLagMs: 0, readRegions: 2 },
    });
    redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
  });
  afterAll(async () => {
    await redis.del(key("bill"), key("split"));
    await server.close();
  });

  const stats = async () => {
    const response = await fetch(`${server.url}/_omnizen/stats`, { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as {
      billedCommands: number;
      commands: number;
      scriptCalls: number;
      writes: number;
      primaryRequests: number;
      replicaRequests: number;
    };
  };

  it("counts the REST requests each region served", async () => {
    const before = await stats();
    await redis.get(key("split")); // a read: the replica
    await redis.evalRo(`return redis.call("GET", KEYS[1])`, [key("split")], []); // a read-only script: the replica
    await redis.set(key("split"), "1"); // a write: the primary
    const pipeline = redis.pipeline();
    pipeline.get(key("split"));
    pipeline.incr(key("split"));
    await pipeline.exec(); // a pipeline holding a write: the primary
    const after = await stats();
    expect(after.replicaRequests - before.replicaRequests).toBe(2);
    expect(after.primaryRequests - before.primaryRequests).toBe(2);
  });

  it("counts every call inside a script and bills each write once more per read region", async () => {
    const before = await stats();
    // EVAL + INCR + PEXPIRE + GET: 4 commands, 2 of them writes, so 4 + 2 × 2 read regions = 8 billed.
    const script = `redis.call("INCR", KEYS[1])\nredis.call("PEXPIRE", KEYS[1], 60000)\nreturn redis.call("GET", KEYS[1])`;
    expect(Number(await redis.eval(script, [key("bill")], []))).toBe(1);
    const after = await stats();
    expect(after.commands - before.commands).toBe(1);
    expect(after.scriptCalls - before.scriptCalls).toBe(3);
    expect(after.writes - before.writes).toBe(2);
    expect(after.billedCommands - before.billedCommands).toBe(8);
    // A plain read costs 1; a plain write 1 + 2.
    await redis.get(key("bill"));
    await redis.set(key("bill"), "x");
    expect((await stats()).billedCommands - after.billedCommands).toBe(4);
  });

  it("keeps a metered script's own reply types and errors", async () => {
    expect(await redis.eval(`return nil`, [], [])).toBeNull();
    expect(await redis.eval(`return {1, "two", {3}}`, [], [])).toEqual([1, "two", [3]]);
    expect(await redis.eval(`return redis.status_reply("FINE")`, [], [])).toBe("FINE");
    await expect(redis.eval(`return redis.error_reply("MYERR custom")`, [], [])).rejects.toThrow("MYERR custom");
    await expect(redis.eval(`return redis.call("INCR", KEYS[1])`, [key("bill")], [])).rejects.toThrow("not an integer");
    const counted = await stats();
    await expect(redis.eval(`redis.call("GET", KEYS[1])\nerror("boom")`, [key("bill")], [])).rejects.toThrow("boom");
    expect((await stats()).scriptCalls - counted.scriptCalls).toBe(1);
  });
});
