import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutUpstashFlags } from "./script-flags.ts";
import { startUpstashServer, type UpstashServer } from "./server.ts";

const token = "test-token-script-flags";

describe("withoutUpstashFlags", () => {
  it("drops only Upstash's allow-key-locking flag and keeps line numbers", () => {
    expect(withoutUpstashFlags("#!lua flags=allow-key-locking\nreturn 1")).toBe("\nreturn 1");
    expect(withoutUpstashFlags("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
    expect(withoutUpstashFlags("#!lua flags=no-writes\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(withoutUpstashFlags("return 1")).toBe("return 1");
  });
});

describe.each([
  { backend: "redis", forceEmbedded: false },
  { backend: "embedded", forceEmbedded: true },
])("scripts flagged allow-key-locking on the $backend backend", ({ forceEmbedded }) => {
  let server: UpstashServer;
  let redis: UpstashRedis;
  beforeAll(async () => {
    server = await startUpstashServer({ token, forceEmbedded, log: () => undefined });
    redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
  });
  afterAll(() => server.close());

  it("run through EVAL, SCRIPT LOAD and EVALSHA addressed by the SHA-1 of the script as sent", async () => {
    const script = "#!lua flags=allow-key-locking\nreturn ARGV[1] .. '!'";
    expect(await redis.eval(script, [], ["a"])).toBe("a!");
    const sha = await redis.scriptLoad(script);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, [], ["b"])).toBe("b!");
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it("serve @upstash/ratelimit, whose scripts carry the flag", async () => {
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(2, "1 m"),
      prefix: `omz-test-rl:${crypto.randomUUID()}`,
      ephemeralCache: false,
      timeout: 0,
    });
    const results = [await limiter.limit("who"), await limiter.limit("who"), await limiter.limit("who")];
    expect(results.map((result) => result.success)).toEqual([true, true, false]);
    expect((await limiter.limit("someone-else")).success).toBe(true);
  });
});
