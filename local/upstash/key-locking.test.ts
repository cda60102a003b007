import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testInfrastructure } from "../test-environment.ts";
import { DATABASE_WIDE_ERROR, DYNAMIC_KEYS_ERROR, scriptFlags } from "./key-locking.ts";
import { startUpstashServer, type UpstashServer } from "./server.ts";

const token = "test-token-key-locking";
const { redisUrl } = testInfrastructure(process.env);
const prefix = `omnizen-key-locking-test:${process.pid}:${Date.now()}:`;

describe("scriptFlags", () => {
  it("reads the shebang's flags", () => {
    expect(scriptFlags("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toEqual([
      "no-writes",
      "allow-key-locking",
    ]);
    expect(scriptFlags("return 1")).toEqual([]);
  });
});

describe.each([
  { backend: "redis", forceEmbedded: false },
  { backend: "embedded", forceEmbedded: true },
])("Upstash's key-locking rule on the $backend backend", ({ forceEmbedded }) => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  const key = (name: string) => `${prefix}${name}`;
  beforeAll(async () => {
    server = await startUpstashServer({ token, redisUrl, forceEmbedded, log: () => undefined });
    redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
  });
  afterAll(async () => {
    await redis.del(key("a"), key("b"), key("c"));
    await server.close();
  });

  const flagged = "#!lua flags=allow-key-locking\n";

  it("lets a flagged script touch the keys in KEYS, also when it builds the same name itself", async () => {
    const script = `${flagged}redis.call("SET", KEYS[1], ARGV[1])\nlocal again = ARGV[2] .. "a"\nreturn redis.call("GET", again)`;
    expect(await redis.eval(script, [key("a")], ["one", prefix])).toBe("one");
    expect(await redis.eval(`${flagged}return redis.call("MGET", KEYS[1], KEYS[2])`, [key("a"), key("b")], [])).toEqual(
      ["one", null],
    );
    expect(await redis.eval(`${flagged}return type(redis.call("TIME"))`, [], [])).toBe("table");
  });

  it("rejects a key not passed in KEYS, with Upstash's words, and writes nothing", async () => {
    const script = `${flagged}redis.call("SET", KEYS[1], "x")\nreturn redis.call("SET", ARGV[1], "y")`;
    await expect(redis.eval(script, [key("b")], [key("c")])).rejects.toThrow(DYNAMIC_KEYS_ERROR);
    expect(await redis.get(key("c"))).toBeNull();
    // Every key argument is checked, not only the first.
    await expect(
      redis.eval(`${flagged}return redis.call("DEL", KEYS[1], ARGV[1])`, [key("a")], [key("c")]),
    ).rejects.toThrow(DYNAMIC_KEYS_ERROR);
    // redis.pcall returns the error instead of raising it.
    const caught = `${flagged}local r = redis.pcall("GET", ARGV[1])\nreturn type(r) == "table" and r.err or "no error"`;
    expect(await redis.eval(caught, [], [key("c")])).toBe(DYNAMIC_KEYS_ERROR);
  });

  it("refuses database-wide commands in a flagged script", async () => {
    await expect(redis.eval(`${flagged}return redis.call("DBSIZE")`, [], [])).rejects.toThrow(DATABASE_WIDE_ERROR);
  });

  it("keeps the rule through SCRIPT LOAD and EVALSHA", async () => {
    const script = `${flagged}return redis.call("GET", ARGV[1])`;
    const sha = await redis.scriptLoad(script);
    await expect(redis.evalsha(sha, [], [key("a")])).rejects.toThrow(DYNAMIC_KEYS_ERROR);
  });

  it("keeps the rule in no-writes scripts", async () => {
    const readOnly = `#!lua flags=no-writes,allow-key-locking\nreturn redis.call("GET", ARGV[1])`;
    await expect(redis.eval(readOnly, [], [key("a")])).rejects.toThrow(DYNAMIC_KEYS_ERROR);
    expect(await redis.eval(readOnly.replace("ARGV", "KEYS"), [key("a")], [])).toBe("one");
  });

  it("leaves scripts without the flag free to build keys", async () => {
    expect(await redis.eval(`redis.call("SET", ARGV[1], "z")\nreturn redis.call("GET", ARGV[1])`, [], [key("c")])).toBe(
      "z",
    );
  });
});
