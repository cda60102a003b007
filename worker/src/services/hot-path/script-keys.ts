/**
 * The Redis keys the admission and settlement scripts touch, built before the call and passed in KEYS (the order
 * lua-scripts.ts documents), so Upstash locks only them (`allow-key-locking`). Building them here needs the account
 * and key ids, which the isolate's key record (edge-key-records.ts) or the cold fill supplies.
 */
import { SPEND_PERIODS, spendBucket } from "../../lib/spend-period.ts";
import { USAGE_QUEUE_KEY } from "./lua-scripts.ts";

const GENERATION_KEY = "omz:usage:gen";

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

/** KEYS of the settlement script. */
export function settlementKeys(input: {
  requestId: string;
  userId: string;
  keyId: string;
  window: number;
  spendKey: string;
  cacheKey: string | null;
}): string[] {
  const { userId, keyId, window } = input;
  const keys = [
    `omz:deleted:${userId}`,
    `omz:settled:${input.requestId}`,
    `omz:cc:${userId}`,
    `omz:cck:${keyId}`,
    `omz:resv:${userId}`,
    `omz:credit:${userId}`,
    `omz:rl:${userId}:t:${window}`,
    `omz:rl:k:${keyId}:t:${window}`,
    `omz:pcoff:${userId}`,
    `omz:pcidx:${userId}`,
    USAGE_QUEUE_KEY,
    `omz:undrained:${userId}`,
  ];
  if (input.spendKey) keys.push(input.spendKey);
  if (input.cacheKey) keys.push(input.cacheKey);
  return keys;
}

/** KEYS of the lease flush (lua-scripts.ts LEASE_FLUSH_SCRIPT). */
export function leaseFlushKeys(input: {
  leaseId: string;
  flush: number;
  userId: string;
  keyId: string;
  window: number;
  spendKey: string;
  cacheKeys: readonly string[];
}): string[] {
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
    USAGE_QUEUE_KEY,
    `omz:undrained:${userId}`,
  ];
  if (input.spendKey) keys.push(input.spendKey);
  keys.push(...input.cacheKeys);
  return keys;
}
