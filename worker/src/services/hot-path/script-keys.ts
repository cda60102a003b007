/**
 * The Redis keys the admission and lease flush scripts touch, built before the call and passed in KEYS (the order
 * lua-scripts.ts documents), so Upstash locks only them (`allow-key-locking`). Building them here needs the account
 * and key ids, which the isolate's key record (edge-key-records.ts) or the cold fill supplies.
 */
import { SPEND_PERIODS, spendBucket } from "../../lib/spend-period.ts";
import { cacheSummaryKey } from "../prompt-cache/cache-summary.ts";

const GENERATION_KEY = "omz:usage:gen";

/**
 * The usage queue is sharded: a lease flush appends its records to the list of the account's shard, so Upstash's key
 * locking serialises only the accounts of one shard on it, not every request of the service. Each shard has its own
 * draining list (the drain's claim, cron/drain-usage.ts).
 */
export const USAGE_QUEUE_SHARDS = 16;

/** The single queue and draining list before the sharding: still drained, so records queued before it are kept. */
export const LEGACY_USAGE_QUEUE_KEY = "omz:usage:queue";
export const LEGACY_USAGE_DRAINING_KEY = "omz:usage:draining";

/** The account's queue shard: FNV-1a (32 bit) of the user id's UTF-16 code units, mod USAGE_QUEUE_SHARDS. */
export function usageQueueShard(userId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < userId.length; index += 1) {
    hash ^= userId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % USAGE_QUEUE_SHARDS;
}

/** The queue list the account's lease flushes append to: `omz:usage:queue:<shard>`. */
export const usageQueueKey = (userId: string) => `omz:usage:queue:${usageQueueShard(userId)}`;

/** The draining list of the account's shard: `omz:usage:draining:<shard>`. */
export const usageDrainingKey = (userId: string) => `omz:usage:draining:${usageQueueShard(userId)}`;

/** One queue the drain empties: the list lease flushes append to and the list the drain claims a batch into. */
export interface UsageQueue {
  queue: string;
  draining: string;
}

/** Every queue the drain empties: the shards in order, then the legacy single queue. */
export const USAGE_QUEUES: readonly UsageQueue[] = [
  ...Array.from({ length: USAGE_QUEUE_SHARDS }, (_, shard) => ({
    queue: `omz:usage:queue:${shard}`,
    draining: `omz:usage:draining:${shard}`,
  })),
  { queue: LEGACY_USAGE_QUEUE_KEY, draining: LEGACY_USAGE_DRAINING_KEY },
];

/** Every list that can hold a usage record not yet in Postgres (queues and draining lists), for tests and tools. */
export const ALL_USAGE_QUEUE_KEYS: readonly string[] = USAGE_QUEUES.flatMap(({ queue, draining }) => [queue, draining]);

/** The lists that can hold the account's records: its shard's queue and draining list, and the legacy ones. */
export function accountUsageQueueKeys(userId: string): string[] {
  return [usageQueueKey(userId), usageDrainingKey(userId), LEGACY_USAGE_QUEUE_KEY, LEGACY_USAGE_DRAINING_KEY];
}

/** KEYS of DRAIN_CLAIM_SCRIPT (lua-scripts.ts): the queue, its draining list. */
export const drainClaimKeys = (queue: UsageQueue) => [queue.queue, queue.draining];

/** KEYS of DRAIN_RELEASE_SCRIPT for its (user id, cost) pairs: the draining list, the generation, each user. */
export function drainReleaseKeys(queue: UsageQueue, pairs: readonly string[]): string[] {
  const users = pairs.filter((_, index) => index % 2 === 0);
  return [queue.draining, GENERATION_KEY, ...users.map((userId) => `omz:undrained:${userId}`)];
}

/** The key record the admission script fills (`omz:key:<sha256>`). */
export const keyRecordKey = (keyHash: string) => `omz:key:${keyHash}`;

/** Whose counters the scripts move. */
export interface ScriptAccount {
  userId: string;
  keyId: string;
}

/** KEYS of the key record read (lua-scripts.ts KEY_RECORD_READ_SCRIPT): record, failed-auth counters, generation. */
export function recordReadKeys(keyHash: string, clientIp: string, now: number): string[] {
  return [...identityKeys(keyHash, clientIp, now), GENERATION_KEY];
}

function identityKeys(keyHash: string, clientIp: string, now: number): string[] {
  const window = Math.floor(now / 60_000);
  return [keyRecordKey(keyHash), `omz:authfail:${clientIp}:${window}`, `omz:authfail:${clientIp}:${window - 1}`];
}

/**
 * KEYS of the admission script (lua-scripts.ts): the keyed layout for a known account (with the drain generation
 * only when `filling`), else the identity layout.
 */
export function admissionKeys(input: {
  keyHash: string;
  clientIp: string;
  now: number;
  account: ScriptAccount | null;
  cacheKey: string | null;
  filling: boolean;
}): string[] {
  if (!input.account) return identityKeys(input.keyHash, input.clientIp, input.now);
  const window = Math.floor(input.now / 60_000);
  const { userId, keyId } = input.account;
  const keys = [
    keyRecordKey(input.keyHash),
    `omz:credit:${userId}`,
    `omz:resv:${userId}`,
    `omz:undrained:${userId}`,
    `omz:rl:${userId}:r:${window}`,
    `omz:rl:${userId}:t:${window}`,
    `omz:rl:k:${keyId}:r:${window}`,
    `omz:rl:k:${keyId}:t:${window}`,
    `omz:cc:${userId}`,
    `omz:cck:${keyId}`,
    ...SPEND_PERIODS.map((period) => `omz:spend:${keyId}:${spendBucket(period, input.now)}`),
  ];
  if (input.filling) keys.push(GENERATION_KEY);
  if (input.cacheKey) keys.push(input.cacheKey);
  return keys;
}

/** What names the keys of a lease flush. */
export interface LeaseFlushKeyInput {
  leaseId: string;
  /** The flush's number within its lease (1, 2, ...): the script's once-only marker. */
  flush: number;
  userId: string;
  keyId: string;
  /** The minute window of the lease's grant. */
  window: number;
  /** The key's spend counter the grant's hold went to ("" = the key has no spend limit). */
  spendKey: string;
  cacheKeys: readonly string[];
  /** The hour of the cache summary the flush marks (cache-summary.ts summaryHour). */
  summaryHour: number;
}

/** KEYS of the lease flush (lua-scripts.ts LEASE_FLUSH_SCRIPT). */
export function leaseFlushKeys(input: LeaseFlushKeyInput): string[] {
  const { userId, keyId, window } = input;
  const keys = [
    `omz:deleted:${userId}`,
    `omz:settled:${input.leaseId}:${input.flush}`,
    `omz:cc:${userId}`,
    `omz:cck:${keyId}`,
    `omz:resv:${userId}`,
    `omz:credit:${userId}`,
    `omz:rl:${userId}:r:${window}`,
    `omz:rl:k:${keyId}:r:${window}`,
    `omz:rl:${userId}:t:${window}`,
    `omz:rl:k:${keyId}:t:${window}`,
    `omz:pcoff:${userId}`,
    `omz:pcidx:${userId}`,
    usageQueueKey(userId),
    `omz:undrained:${userId}`,
    cacheSummaryKey(userId, input.summaryHour),
  ];
  if (input.spendKey) keys.push(input.spendKey);
  keys.push(...input.cacheKeys);
  return keys;
}
