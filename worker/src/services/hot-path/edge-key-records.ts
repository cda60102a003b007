/**
 * The key records this isolate knows (key-record-cache.ts: fresh 5 s, served stale and refreshed in the background up
 * to 10 s, then read again before use). Redis (`omz:key:<sha256>`, filled by the admission script from Postgres)
 * stays the source of truth; the isolate only caches it, which gives:
 * - the account and key ids before admission, so the scripts can declare every key they touch (allow-key-locking);
 * - the model aliases without a Redis read for a warm key (key-aliases.ts).
 * A read is one read-only script (EVALSHA_RO, served by the nearest replica on Upstash Global). A key whose record is
 * absent in Redis (expired or invalidated) is not kept: admission fills it from Postgres and stores the result here.
 */
import { SPEND_PERIOD_CODE } from "../../lib/spend-period.ts";
import { decodeJurisdictions, encodeAliases, type AccountRecord } from "./account-record.ts";
import { KeyRecordCache } from "./key-record-cache.ts";
import { KEY_RECORD_FIELDS, KEY_RECORD_READ_SCRIPT } from "./lua-scripts.ts";
import { runReadOnlyScript } from "./run-script.ts";
import type { ReadOnlyScriptClient } from "./script-client.ts";
import { recordReadKeys } from "./script-keys.ts";

/** A value read from Redis is used without a refresh this long. */
export const KEY_RECORD_FRESH_MS = 5_000;
/** No value older than this is used: revocation, plan, limit and alias changes reach every isolate within it. */
export const KEY_RECORD_MAX_STALE_MS = 10_000;
const MAX_KEYS_PER_ISOLATE = 10_000;

export interface EdgeKeyRecord {
  userId: string;
  keyId: string;
  plan: string;
  limits: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number };
  keyLimits: { requestsPerMinute: number; tokensPerMinute: number; concurrentRequests: number };
  allowedJurisdictions: string[] | null;
  promptCacheEnabled: boolean;
  /** The key's spend limit (micro-USD, 0 = none) and its period code (lib/spend-period.ts). */
  spendLimitMicroUsd: number;
  spendPeriodCode: string;
  /** Epoch ms, 0 = never. */
  expiresAtMs: number;
  /** The `al` field: alias map as JSON, "" = none. */
  aliases: string;
  /** When Redis drops the record (epoch ms; its TTL from the read or the fill), 0 when not known. */
  storedUntilMs?: number;
}

/** A known key, or a key Redis marks as unknown (revoked or never issued). */
export type EdgeKeyEntry = { kind: "key"; record: EdgeKeyRecord } | { kind: "unknown" };

const num = (value: string | null | undefined) => Number(value ?? 0) || 0;

/** The HMGET reply (lua-scripts.ts KEY_RECORD_FIELDS, in order) as an entry; null when Redis holds no record. */
export function decodeKeyRecord(fields: ReadonlyArray<string | null | undefined>): EdgeKeyEntry | null {
  const [missing, u, k, p, rpm, tpm, cc, krpm, ktpm, kcc, j, pc, sl, sp, exp, al] = fields;
  if (missing === "1") return { kind: "unknown" };
  if (!u || !k) return null;
  return {
    kind: "key",
    record: {
      userId: u,
      keyId: k,
      plan: p ?? "",
      limits: { requestsPerMinute: num(rpm), tokensPerMinute: num(tpm), concurrentRequests: num(cc) },
      keyLimits: { requestsPerMinute: num(krpm), tokensPerMinute: num(ktpm), concurrentRequests: num(kcc) },
      allowedJurisdictions: decodeJurisdictions(j ?? "*"),
      promptCacheEnabled: pc === "1",
      spendLimitMicroUsd: num(sl),
      spendPeriodCode: sp ?? "",
      expiresAtMs: num(exp),
      aliases: al ?? "",
    },
  };
}

/** The record a cold fill stored in Redis, as the isolate keeps it. */
export function edgeRecordOf(record: AccountRecord): EdgeKeyRecord {
  return {
    userId: record.userId,
    keyId: record.keyId,
    plan: record.plan,
    limits: { ...record.limits },
    keyLimits: { ...record.keyLimits },
    allowedJurisdictions: record.allowedJurisdictions,
    promptCacheEnabled: record.promptCacheEnabled,
    spendLimitMicroUsd: record.spendLimit?.amountMicroUsd ?? 0,
    spendPeriodCode: record.spendLimit ? SPEND_PERIOD_CODE[record.spendLimit.period] : "",
    expiresAtMs: record.expiresAtMs ?? 0,
    aliases: encodeAliases(record.modelAliases),
  };
}

/** This isolate's records (module scope: pure data, lost with the isolate). */
export const edgeKeyRecords = new KeyRecordCache<EdgeKeyEntry>({
  freshMs: KEY_RECORD_FRESH_MS,
  maxStaleMs: KEY_RECORD_MAX_STALE_MS,
  maxEntries: MAX_KEYS_PER_ISOLATE,
  now: () => Date.now(),
});

export { keyRecordKey } from "./script-keys.ts";

export interface EdgeKeyRecordDeps {
  scripts: ReadOnlyScriptClient;
  waitUntil(work: Promise<unknown>): void;
}

/** One read of the record, with what a cold admission needs next (script-keys.ts identity keys). */
export interface KeyRecordRead {
  entry: EdgeKeyEntry | null;
  /** Failed authentications of the subject in this and the previous minute (0 without a subject). */
  recentFailures: number;
  /** The drain generation (a cold fill's Postgres read must come after it: lua-scripts.ts). */
  generation: string;
}

/** Reads the record from Redis (one read-only script), with the subject's failed authentications. */
export async function readKeyRecord(
  scripts: ReadOnlyScriptClient,
  keyHash: string,
  subject: { clientIp: string; now: number } = { clientIp: "", now: Date.now() },
): Promise<KeyRecordRead> {
  const keys = recordReadKeys(keyHash, subject.clientIp, subject.now);
  const reply = await runReadOnlyScript<Array<string | number | null>>(scripts, KEY_RECORD_READ_SCRIPT, keys, [
    subject.clientIp,
  ]);
  const fields = reply.slice(0, KEY_RECORD_FIELDS.length).map((field) => (field === null ? null : String(field)));
  const entry = decodeKeyRecord(fields);
  const ttlMs = Number(reply[KEY_RECORD_FIELDS.length + 2] ?? -1);
  if (entry?.kind === "key" && ttlMs > 0) entry.record.storedUntilMs = subject.now + ttlMs;
  return {
    entry,
    recentFailures: Number(reply[KEY_RECORD_FIELDS.length] ?? 0),
    generation: String(reply[KEY_RECORD_FIELDS.length + 1] ?? "0"),
  };
}

/**
 * The key's entry as this isolate knows it (stale-while-revalidate); null when Redis holds no record. `onRead` sees
 * every read made for this call (none when the isolate's value was served).
 */
export function edgeKeyRecord(
  deps: EdgeKeyRecordDeps,
  keyHash: string,
  subject?: { clientIp: string; now: number },
  onRead?: (read: KeyRecordRead) => void,
): Promise<EdgeKeyEntry | null> {
  return edgeKeyRecords.get(
    keyHash,
    async () => {
      const read = await readKeyRecord(deps.scripts, keyHash, subject);
      onRead?.(read);
      return read.entry;
    },
    deps.waitUntil,
  );
}
