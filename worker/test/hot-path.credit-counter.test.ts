/**
 * The credit counter (docs/credit.md) through the real admission (a lease's grant) and lease flush scripts on the
 * Upstash stand-in: it is never reset from a stale source, and it is created from Postgres only as
 * `Postgres balance - undrained usage - live reservations`, refusing a fill that a drain raced.
 */
import { describe, expect, it } from "vitest";
import { binding, testRedis } from "./support/stand-ins.ts";
import { accountRecord, admitOnLease } from "./support/leased-request.ts";
import { scriptClient } from "../src/services/hot-path/script-client.ts";
import { usageQueueKey } from "../src/services/hot-path/script-keys.ts";

const client = () => scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

function account(balanceMicroUsd: number) {
  const record = accountRecord({ balanceMicroUsd });
  const { userId } = record;
  const keyHash = crypto.randomUUID().replaceAll("-", "");
  let loads = 0;
  const request = (reservationMicroUsd: number, leaseId?: string, onLoad?: () => Promise<void>) =>
    admitOnLease({
      redis: client(),
      keyHash,
      ...(leaseId === undefined ? {} : { leaseId }),
      clientIp: "",
      cacheKey: null,
      reservationMicroUsd,
      checkCredit: true,
      loadRecord: async () => {
        loads += 1;
        await onLoad?.();
        return record;
      },
    });
  return {
    record,
    userId,
    keyHash,
    request,
    loads: () => loads,
    credit: async () => Number(await testRedis().get(`omz:credit:${userId}`)),
  };
}

describe("credit counter", () => {
  it("is not reset from Postgres when the key record is filled again (a key edit, an expired record)", async () => {
    const a = account(10_000);
    await a.request(4_000);
    expect(await a.credit()).toBe(6_000);
    // The key's limits are edited: its record is dropped, and the next request reads Postgres again, whose balance
    // (10_000) knows nothing of the reservation in flight.
    await testRedis().del(`omz:key:${a.keyHash}`);
    await a.request(4_000);
    expect(a.loads()).toBe(2);
    expect(await a.credit()).toBe(2_000);
  });

  it("is created as Postgres balance minus undrained usage minus live reservations (expired ones dropped)", async () => {
    const a = account(10_000);
    await a.request(3_000);
    const settled = await a.request(3_000);
    const settledId = `req-${crypto.randomUUID()}`;
    // Settled at a cost of 1_000: the usage record is queued (undrained), the rest of the hold released.
    await settled.finish({
      costMicroUsd: 1_000,
      tokens: 0,
      usage: { request_id: settledId, user_id: a.userId, cost_micro_usd: 1_000 } as never,
    });
    expect(await testRedis().get(`omz:undrained:${a.userId}`)).toBe("1000");
    expect(await a.credit()).toBe(10_000 - 3_000 - 1_000);
    await a.request(2_500, `in-flight-${a.userId}`);
    await testRedis().hset(`omz:resv:${a.userId}`, { crashed: `9000:${Date.now() - 1}` });
    await testRedis().del(`omz:credit:${a.userId}`);
    // The first lease (3_000) and the in-flight one (2_500) are held; "crashed" has expired.
    await a.request(500);
    expect(await a.credit()).toBe(10_000 - 1_000 - 3_000 - 2_500 - 500);
    expect(await testRedis().hexists(`omz:resv:${a.userId}`, "crashed")).toBe(0);
    await testRedis().lrem(
      usageQueueKey(a.userId),
      0,
      JSON.stringify({ request_id: settledId, user_id: a.userId, cost_micro_usd: 1_000 }),
    );
  });

  it("refuses a fill when a drain moved usage to Postgres during the Postgres read, and reads again", async () => {
    const a = account(10_000);
    await testRedis().set(`omz:undrained:${a.userId}`, "1000");
    let drained = false;
    await a.request(100, undefined, async () => {
      if (drained) return;
      drained = true;
      // The drain lands the 1_000 in Postgres after this read began: this read's balance misses it, and the
      // release below takes it off the undrained usage.
      a.record.balanceMicroUsd = 9_000;
      // (What the drain's release does: DRAIN_RELEASE_SCRIPT, tested with the drain in cron.drain-usage.test.ts.)
      await testRedis().decrby(`omz:undrained:${a.userId}`, 1000);
      await testRedis().incr("omz:usage:gen");
    });
    expect(a.loads()).toBe(2);
    expect(await a.credit()).toBe(9_000 - 100);
  });

  it("keeps money exact above 1e14 micro-USD (no exponent form reaches Redis)", async () => {
    const a = account(9_000_000_000_000_000);
    await a.request(200_000_000_000_003);
    expect(await testRedis().get(`omz:credit:${a.userId}`)).toBe("8799999999999997");
  });
});
