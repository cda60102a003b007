import { describe, expect, it } from "vitest";
import { binding, testRedis } from "./support/stand-ins.ts";
import { accountRecord, admitOnLease } from "./support/leased-request.ts";
import { scriptClient } from "../src/services/hot-path/script-client.ts";
import { usageQueueKey } from "../src/services/hot-path/script-keys.ts";
import type { QueuedUsage } from "../src/services/request-recorder.ts";

const client = () => scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

describe("lease flush", () => {
  it("is applied once per (lease, flush), so a retried or redelivered flush never counts twice", async () => {
    const record = accountRecord({ balanceMicroUsd: 1_000 });
    const requestId = `req-${crypto.randomUUID()}`;
    const leased = await admitOnLease({
      redis: client(),
      keyHash: crypto.randomUUID().replaceAll("-", ""),
      clientIp: "",
      cacheKey: null,
      reservationMicroUsd: 400,
      checkCredit: true,
      loadRecord: () => Promise.resolve(record),
    });
    const { userId } = record;
    const window = leased.admission.window;
    expect(await testRedis().get(`omz:credit:${userId}`)).toBe("600");
    expect(await testRedis().zcard(`omz:cc:${userId}`)).toBe(1);
    const usage = { request_id: requestId, user_id: userId, cost_micro_usd: 150 } as unknown as QueuedUsage;
    const settlement = { costMicroUsd: 150, tokens: 40, usage };

    // A try whose reply was lost is tried again, and two isolates may deliver the same flush at once.
    const replies = await Promise.all([leased.finish(settlement), leased.finish(settlement)]);
    replies.push(await leased.finish(settlement));

    expect(replies.sort()).toEqual([0, 0, 1]);
    expect(await testRedis().get(`omz:credit:${userId}`)).toBe("850");
    expect(await testRedis().hexists(`omz:resv:${userId}`, leased.leaseId)).toBe(0);
    expect(await testRedis().get(`omz:rl:${userId}:t:${window}`)).toBe("40");
    expect(await testRedis().get(`omz:undrained:${userId}`)).toBe("150");
    expect(await testRedis().zcard(`omz:cc:${userId}`)).toBe(0);
    // The record goes to the account's shard of the usage queue.
    const queued = (await testRedis().lrange(usageQueueKey(userId), 0, -1)).filter((item) =>
      String(item).includes(requestId),
    );
    expect(queued).toHaveLength(1);
    await testRedis().lrem(usageQueueKey(userId), 0, queued[0]!);
  });
});
