import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IoRedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testInfrastructure } from "../test-environment.ts";
import { startUpstashServer } from "./server.ts";
import type { UpstashServer } from "./server.ts";

const token = "test-token-upstash";
// The tests' own Redis (OMNIZEN_TEST_REDIS_URL), never the developer's REDIS_URL.
const { redisUrl } = testInfrastructure(process.env);
const prefix = `omnizen-upstash-test:${process.pid}:${Date.now()}:`;
const key = (name: string) => `${prefix}${name}`;
const base64 = (text: string) => Buffer.from(text).toString("base64");

async function rawCommand(server: UpstashServer, body: unknown, headers: Record<string, string> = {}, path = "/") {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe.each([
  { backend: "redis" as const, forceEmbedded: false },
  { backend: "embedded" as const, forceEmbedded: true },
])("upstash REST stand-in on the $backend backend", ({ backend, forceEmbedded }) => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  const logLines: string[] = [];

  beforeAll(async () => {
    server = await startUpstashServer({ token, redisUrl, forceEmbedded, log: (line) => logLines.push(line) });
    redis = new UpstashRedis({ url: server.url, token });
  });

  afterAll(async () => {
    await server.close();
    if (backend === "redis") {
      const cleaner = new IoRedis(redisUrl);
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      await cleaner.quit();
    }
  });

  it("uses the requested backend and logs no values", async () => {
    expect(server.backend).toBe(backend);
    await redis.set(key("secret"), "very-private-prompt");
    expect(logLines.join("\n")).not.toContain("very-private-prompt");
    if (backend === "embedded") expect(logLines.join("\n")).toMatch(/WARNING: USING THE EMBEDDED/);
  });

  it("sets, reads, counts, expires and deletes", async () => {
    expect(await redis.set(key("s"), "hello")).toBe("OK");
    expect(await redis.get(key("s"))).toBe("hello");
    expect(await redis.set(key("s"), "other", { nx: true })).toBeNull();
    expect(await redis.incr(key("n"))).toBe(1);
    expect(await redis.incrby(key("n"), 41)).toBe(42);
    expect(await redis.expire(key("n"), 100)).toBe(1);
    const ttl = await redis.ttl(key("n"));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.set(key("ex"), "v", { ex: 60 })).toBe("OK");
    expect(await redis.ttl(key("ex"))).toBeGreaterThan(50);
    expect(await redis.del(key("s"), key("n"), key("missing"))).toBe(2);
    expect(await redis.get(key("s"))).toBeNull();
    expect(await redis.ttl(key("missing"))).toBe(-2);
  });

  it("handles hashes", async () => {
    expect(await redis.hset(key("h"), { name: "omnizen", credits: 10 })).toBe(2);
    expect(await redis.hget(key("h"), "name")).toBe("omnizen");
    expect(await redis.hincrby(key("h"), "credits", 5)).toBe(15);
    expect(await redis.hgetall(key("h"))).toEqual({ name: "omnizen", credits: 15 });
    expect(await redis.hdel(key("h"), "name")).toBe(1);
    expect(await redis.hgetall(key("missing-hash"))).toBeNull();
  });

  it("round-trips JSON-like strings, unicode and numbers", async () => {
    const cached = { prompt: 'héllo ✓ "quoted"', tokens: [1, 2, 3], nested: { ok: true } };
    await redis.set(key("json"), cached);
    expect(await redis.get(key("json"))).toEqual(cached);
    await redis.set(key("json-text"), JSON.stringify(cached));
    expect(await redis.get(key("json-text"))).toEqual(cached);
    await redis.set(key("number"), 42);
    expect(await redis.get(key("number"))).toBe(42);
    await redis.set(key("ok-value"), "OK");
    expect(await redis.get(key("ok-value"))).toBe("OK");
    await redis.set(key("zeros"), "0042");
    expect(await redis.get(key("zeros"))).toBe("0042");
  });

  it("returns mget arrays with nulls", async () => {
    await redis.set(key("m1"), "one");
    await redis.set(key("m2"), 2);
    expect(await redis.mget(key("m1"), key("m-missing"), key("m2"))).toEqual(["one", null, 2]);
  });

  it("runs pipelines and transactions", async () => {
    const pipelined = await redis.pipeline().set(key("p"), "v").incr(key("pc")).get(key("p")).exec();
    expect(pipelined).toEqual(["OK", 1, "v"]);
    const transaction = await redis.multi().incr(key("tc")).incr(key("tc")).get(key("tc")).exec();
    expect(transaction).toEqual([1, 2, 2]);
  });

  it("surfaces Redis errors as thrown errors with Redis's text", async () => {
    await redis.hset(key("typed"), { field: "x" });
    await expect(redis.incr(key("typed"))).rejects.toThrow(
      /WRONGTYPE Operation against a key holding the wrong kind of value/,
    );
    expect(await redis.hget(key("typed"), "field")).toBe("x");
    await redis.set(key("text"), "abc");
    await expect(redis.incr(key("text"))).rejects.toThrow(/ERR value is not an integer or out of range/);
    const outcomes = await rawCommand(
      server,
      [
        ["INCR", key("typed")],
        ["GET", key("text")],
      ],
      {},
      "/pipeline",
    );
    expect(outcomes.body).toEqual([{ error: expect.stringMatching(/^WRONGTYPE/) }, { result: "abc" }]);
    await expect(redis.pipeline().get(key("text")).incr(key("typed")).exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed: WRONGTYPE/,
    );
    const single = await rawCommand(server, ["NOSUCHCOMMAND", "a"]);
    expect(single.status).toBe(400);
    expect(single.body).toEqual({ error: expect.stringMatching(/^ERR unknown command/) });
  });

  it("keeps per-command errors in a transaction and aborts on unknown commands", async () => {
    const mixed = await rawCommand(
      server,
      [
        ["SET", key("tx"), "1"],
        ["HSET", key("tx"), "f", "v"],
        ["INCR", key("tx")],
      ],
      {},
      "/multi-exec",
    );
    expect(mixed.body).toEqual([{ result: "OK" }, { error: expect.stringMatching(/^WRONGTYPE/) }, { result: 2 }]);
    const aborted = await rawCommand(server, [["SET", key("tx2"), "1"], ["NOSUCHCOMMAND"]], {}, "/multi-exec");
    expect(aborted.status).toBe(400);
    expect(aborted.body).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
    expect(await redis.get(key("tx2"))).toBeNull();
  });

  it("evaluates Lua with keys, arguments and table replies", async () => {
    const result = await redis.eval("return {KEYS[1], ARGV[1], 42, {1, 'two'}}", [key("lua")], ["arg"]);
    expect(result).toEqual([key("lua"), "arg", 42, [1, "two"]]);
    const limiter = `
      local current = redis.call('INCRBY', KEYS[1], ARGV[1])
      if current == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
      local stored = redis.call('GET', KEYS[1])
      return {current, stored, redis.call('TTL', KEYS[1]), redis.call('GET', KEYS[2])}`;
    expect(await redis.eval(limiter, [key("limit"), key("nothing")], [3, 60])).toEqual([3, 3, 60, null]);
    expect(await redis.eval(limiter, [key("limit"), key("nothing")], [4, 60])).toEqual([7, 7, 60, null]);
    expect(await redis.eval("return 3.9", [], [])).toBe(3);
    expect(await redis.eval("return redis.call('SET', KEYS[1], ARGV[1])", [key("lua-set")], ["x"])).toBe("OK");
    expect(await redis.eval("return redis.status_reply('FINE')", [], [])).toBe("FINE");
    await redis.hset(key("lua-hash"), { a: "1", b: "2" });
    expect(await redis.eval("return redis.call('HGETALL', KEYS[1])", [key("lua-hash")], [])).toEqual(["a", 1, "b", 2]);
  });

  it("reports Lua errors with Redis's text", async () => {
    await expect(redis.eval("return redis.error_reply('MYERR custom failure')", [], [])).rejects.toThrow(
      /MYERR custom failure/,
    );
    await expect(redis.eval("return +", [], [])).rejects.toThrow(/ERR Error compiling script/);
    await redis.hset(key("lua-typed"), { f: "v" });
    await expect(redis.eval("return redis.call('INCR', KEYS[1])", [key("lua-typed")], [])).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.eval("local r = redis.pcall('INCR', KEYS[1]) return r.err", [key("lua-typed")], [])).toMatch(
      /^WRONGTYPE/,
    );
    await expect(
      redis.eval("return 1", [], []).then(() => redis.evalsha("abc", [key("a"), key("b")], [])),
    ).rejects.toThrow(/NOSCRIPT/);
  });

  it("loads scripts and runs them by SHA, with NOSCRIPT for unknown ones", async () => {
    const script = `return redis.call('INCRBY', KEYS[1], ARGV[1]) .. ':${prefix}'`;
    const sha = await redis.scriptLoad(script);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, [key("sha")], [5])).toBe(`5:${prefix}`);
    expect(await redis.scriptExists(sha, "f".repeat(40))).toEqual([1, 0]);
    await expect(redis.evalsha("f".repeat(40), [], [])).rejects.toThrow(
      "NOSCRIPT No matching script. Please use EVAL.",
    );
    const nosha = await rawCommand(server, ["EVALSHA", "0".repeat(40), "0"]);
    expect(nosha).toEqual({ status: 400, body: { error: "NOSCRIPT No matching script. Please use EVAL." } });
    if (backend === "embedded") {
      // Only here: flushing the shared real Redis would disturb other users of it.
      expect(await redis.scriptFlush()).toBe("OK");
      await expect(redis.evalsha(sha, [key("sha")], [5])).rejects.toThrow(/NOSCRIPT/);
    }
  });

  it("rejects missing or wrong tokens with 401", async () => {
    const missing = await fetch(`${server.url}/get/x`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: "Unauthorized" });
    const wrong = await fetch(server.url, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
      body: '["PING"]',
    });
    expect(wrong.status).toBe(401);
    await expect(new UpstashRedis({ url: server.url, token: "nope" }).get("x")).rejects.toThrow(/Unauthorized/);
  });

  it("serves the path form with URL-decoded segments, bodies and _token", async () => {
    const headers = { authorization: `Bearer ${token}` };
    const set = await fetch(`${server.url}/set/${encodeURIComponent(key("path/a b"))}/hello%20world`, { headers });
    expect(await set.json()).toEqual({ result: "OK" });
    const get = await fetch(`${server.url}/get/${encodeURIComponent(key("path/a b"))}?_token=${token}`);
    expect(await get.json()).toEqual({ result: "hello world" });
    const posted = await fetch(`${server.url}/set/${encodeURIComponent(key("posted"))}?EX=100`, {
      method: "POST",
      headers,
      body: '{"a":[1,2]}',
    });
    expect(await posted.json()).toEqual({ result: "OK" });
    expect(await redis.get(key("posted"))).toEqual({ a: [1, 2] });
    expect(await redis.ttl(key("posted"))).toBeGreaterThan(90);
    expect(posted.headers.get("upstash-sync-token")).toBeTruthy();
  });

  it("applies the base64 encoding rules to raw responses", async () => {
    const encoded = { "upstash-encoding": "base64" };
    expect((await rawCommand(server, ["SET", key("b64"), "value"], encoded)).body).toEqual({ result: "OK" });
    expect((await rawCommand(server, ["GET", key("b64")], encoded)).body).toEqual({ result: base64("value") });
    expect((await rawCommand(server, ["INCR", key("b64-n")], encoded)).body).toEqual({ result: 1 });
    expect((await rawCommand(server, ["GET", key("b64-none")], encoded)).body).toEqual({ result: null });
    expect((await rawCommand(server, ["MGET", key("b64"), key("b64-none"), key("b64-n")], encoded)).body).toEqual({
      result: [base64("value"), null, base64("1")],
    });
    const nested = await rawCommand(server, ["EVAL", "return {7, 'a', {'OK', 'é'}}", "0"], encoded);
    expect(nested.body).toEqual({ result: [7, base64("a"), [base64("OK"), base64("é")]] });
    const pipeline = await rawCommand(
      server,
      [
        ["SET", key("b64"), "v2"],
        ["GET", key("b64")],
        ["INCR", key("b64")],
      ],
      encoded,
      "/pipeline",
    );
    expect(pipeline.body).toEqual([
      { result: "OK" },
      { result: base64("v2") },
      { error: expect.stringMatching(/^ERR value is not an integer/) },
    ]);
    expect((await rawCommand(server, ["GET", key("b64")])).body).toEqual({ result: "v2" });
  });

  it("refuses oversized bodies with a clear error", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(["SET", key("big"), "x".repeat(11 * 1024 * 1024)]),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/exceeds the \d+ byte limit/) });
  });
});

describe("startUpstashServer fallback", () => {
  it("falls back to the embedded backend quickly and loudly when Redis is unreachable", async () => {
    const lines: string[] = [];
    const started = Date.now();
    const server = await startUpstashServer({
      token,
      redisUrl: "redis://127.0.0.1:1",
      log: (line) => lines.push(line),
    });
    try {
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(server.backend).toBe("embedded");
      expect(lines.join("\n")).toMatch(
        /WARNING: USING THE EMBEDDED[\s\S]*no Redis answered at redis:\/\/127\.0\.0\.1:1/,
      );
      const redis = new UpstashRedis({ url: server.url, token });
      expect(await redis.incr("fallback-counter")).toBe(1);
    } finally {
      await server.close();
    }
  });
});
