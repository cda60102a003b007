import { describe, expect, it } from "vitest";
import {
  accountUsageQueueKeys,
  ALL_USAGE_QUEUE_KEYS,
  LEGACY_USAGE_DRAINING_KEY,
  LEGACY_USAGE_QUEUE_KEY,
  leaseFlushKeys,
  USAGE_QUEUE_SHARDS,
  USAGE_QUEUES,
  usageDrainingKey,
  usageQueueKey,
  usageQueueShard,
} from "./script-keys.ts";

describe("the usage queue's shards", () => {
  it("are a stable FNV-1a of the user id: the purge looks for an account's records in its shard only", () => {
    // Pinned: a different hash after a deploy would leave queued records where the purge no longer looks.
    expect(usageQueueShard("00000000-0000-0000-0000-000000000000")).toBe(1);
    expect(usageQueueShard("c7940c60-9380-40a3-aa44-855ebe6116f3")).toBe(14);
    expect(usageQueueKey("c7940c60-9380-40a3-aa44-855ebe6116f3")).toBe("omz:usage:queue:14");
    expect(usageDrainingKey("c7940c60-9380-40a3-aa44-855ebe6116f3")).toBe("omz:usage:draining:14");
  });

  it("spread random account ids over every shard", () => {
    const counts = new Array<number>(USAGE_QUEUE_SHARDS).fill(0);
    for (let index = 0; index < 3_200; index += 1) counts[usageQueueShard(crypto.randomUUID())]! += 1;
    // 200 expected per shard; a hash that ignored most of the id would leave shards empty or crowded.
    expect(Math.min(...counts)).toBeGreaterThan(100);
    expect(Math.max(...counts)).toBeLessThan(320);
  });

  it("lists every queue and draining list, the legacy ones last, and the account's own lists", () => {
    expect(USAGE_QUEUES).toHaveLength(USAGE_QUEUE_SHARDS + 1);
    expect(USAGE_QUEUES.at(-1)).toEqual({ queue: LEGACY_USAGE_QUEUE_KEY, draining: LEGACY_USAGE_DRAINING_KEY });
    expect(new Set(ALL_USAGE_QUEUE_KEYS).size).toBe(2 * (USAGE_QUEUE_SHARDS + 1));
    const userId = crypto.randomUUID();
    expect(accountUsageQueueKeys(userId)).toEqual([
      usageQueueKey(userId),
      usageDrainingKey(userId),
      LEGACY_USAGE_QUEUE_KEY,
      LEGACY_USAGE_DRAINING_KEY,
    ]);
    for (const key of accountUsageQueueKeys(userId)) expect(ALL_USAGE_QUEUE_KEYS).toContain(key);
  });

  it("the lease flush appends to the account's shard (KEYS[13])", () => {
    const userId = crypto.randomUUID();
    const flush = {
      leaseId: "L",
      flush: 1,
      userId,
      keyId: "k",
      window: 1,
      spendKey: "",
      cacheKeys: [],
      summaryHour: 1,
    };
    const keys = leaseFlushKeys(flush);
    expect(keys[12]).toBe(usageQueueKey(userId));
    expect(keys).not.toContain(LEGACY_USAGE_QUEUE_KEY);
  });
});
