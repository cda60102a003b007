import { describe, expect, it } from "vitest";
import { binding, testRedis } from "./support/stand-ins.ts";
import { runScript } from "../src/services/hot-path/run-script.ts";
import { scriptClient, UpstashCallError } from "../src/services/hot-path/script-client.ts";

const client = () => scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

describe("hot-path script client (Upstash REST)", () => {
  it("runs a script with keys and arguments, and falls back from EVALSHA to EVAL for a script Redis does not know", async () => {
    const key = `script-client-${crypto.randomUUID()}`;
    // A source no other test uses, so its digest is unknown to Redis until this call loads it.
    const source = `-- ${key}\nredis.call("SET", KEYS[1], ARGV[1]) return {ARGV[2], redis.call("GET", KEYS[1])}`;
    expect(await runScript(client(), source, [key], ["stored", "second"])).toEqual(["second", "stored"]);
    expect(await testRedis().get(key)).toBe("stored");
    expect(await runScript(client(), source, [key], ["again", "third"])).toEqual(["third", "again"]);
  });

  it("increments a counter and sets its expiry", async () => {
    const key = `script-client-counter-${crypto.randomUUID()}`;
    expect(await client().incr(key)).toBe(1);
    expect(await client().incr(key)).toBe(2);
    expect(await client().pexpire(key, 121_000)).toBe(1);
    expect(await testRedis().pttl(key)).toBeGreaterThan(120_000);
    expect(await client().pexpire(`${key}-absent`, 1_000)).toBe(0);
  });

  it("reports a Redis error by its code only, never the command's arguments", async () => {
    const secretArgument = `argument-${crypto.randomUUID()}`;
    const error = await client()
      .eval(`return redis.error_reply("ERR refused " .. ARGV[1])`, [], [secretArgument])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstashCallError);
    expect((error as UpstashCallError).code).toBe("ERR");
    expect(String((error as Error).message)).not.toContain(secretArgument);
    expect(JSON.stringify(error)).not.toContain(secretArgument);
  });

  it("fails with a typed error for a wrong token and for an unreachable endpoint", async () => {
    const wrongToken = await scriptClient(binding("UPSTASH_REDIS_REST_URL"), "wrong")
      .eval("return 1", [], [])
      .catch((caught: unknown) => caught);
    expect(wrongToken).toMatchObject({ name: "UpstashCallError", code: "Unauthorized" });
    const unreachable = await scriptClient("http://127.0.0.1:9", "token")
      .eval("return 1", [], [])
      .catch((caught: unknown) => caught);
    expect(unreachable).toMatchObject({ name: "UpstashCallError", code: "network" });
  });
});
