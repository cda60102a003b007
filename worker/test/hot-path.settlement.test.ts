import { describe, expect, it } from "vitest";
import { binding, testRedis } from "./support/stand-ins.ts";
import { scriptClient } from "../src/services/hot-path/script-client.ts";
import { usageQueueKey } from "../src/services/hot-path/script-keys.ts";
import { settle } from "../src/services/hot-path/settlement.ts";

describe("settlement", () => {
  it("is applied once per request id, so a retried settlement never counts twice", async () => {
    const redis = testRedis();
    const userId = `user-${crypto.randomUUID()}`;
    const keyId = `key-${crypto.randomUUID()}`;
    const requestId = `req-${crypto.randomUUID()}`;
    const window = Math.floor(Date.now() / 60_000);
    await redis.set(`omz:credit:${userId}`, "1000");
    await redis.zadd(`omz:cc:${userId}`, { score: Date.now(), member: requestId });
    const usage = { request_id: requestId } as unknown as Parameters<typeof settle>[1]["usage"];
    const settlement = { requestId, userId, keyId, creditDeltaMicroUsd: 250, tokens: 40, window, usage };
    const client = scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

    await settle(client, settlement);
    await settle(client, settlement);

    expect(await redis.get(`omz:credit:${userId}`)).toBe("1250");
    expect(await redis.get(`omz:rl:${userId}:t:${window}`)).toBe("40");
    expect(await redis.zcard(`omz:cc:${userId}`)).toBe(0);
    // The record goes to the account's shard of the usage queue.
    const queued = (await redis.lrange(usageQueueKey(userId), 0, -1)).filter((item) =>
      String(item).includes(requestId),
    );
    expect(queued).toHaveLength(1);
    await redis.lrem(usageQueueKey(userId), 0, queued[0]!);
  });
});
