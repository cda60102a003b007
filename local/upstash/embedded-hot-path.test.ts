/**
 * The gateway's own hot-path scripts on the embedded backend (the fresh-machine fallback without Redis): the
 * embedded Lua VM has 32-bit integers, so millisecond clocks, money above 2^31 and products like the window reset
 * must still come out exact, as on Redis. Before this was fixed, every admission failed there with "bad argument #2
 * to 'format' (number has no integer representation)" and the fresh-machine path served nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { leaseFlushCall } from "../../worker/src/services/hot-path/lease-flush.ts";
import {
  ADMISSION_SCRIPT,
  KEY_RECORD_READ_SCRIPT,
  LEASE_FLUSH_SCRIPT,
} from "../../worker/src/services/hot-path/lua-scripts.ts";
import { admissionKeys, recordReadKeys } from "../../worker/src/services/hot-path/script-keys.ts";
import {
  cacheSummaryKey,
  SUMMARY_READ_SCRIPT,
  summaryHour,
} from "../../worker/src/services/prompt-cache/cache-summary.ts";
import type { QueuedUsage } from "../../worker/src/services/request-recorder.ts";
import { createEmbeddedBackend } from "./embedded-backend.ts";
import { acceptUpstashScriptFlags } from "./script-flags.ts";

// As the stand-in's server wraps it: Upstash's allow-key-locking flag is accepted.
const backend = acceptUpstashScriptFlags(createEmbeddedBackend());
afterAll(() => backend.close());

const now = Date.parse("2026-12-06T00:00:12.345Z");
const record = ["user-1", "key-1", "internal", "100", "1000000", "10", "0", "0", "0", "*", "1"].join("|");

/** The spend buckets and their TTLs (ARGV 16-23), as admission.ts passes them. */
const spendArguments = [
  "d2026-12-06",
  "w2026-11-30",
  "m2026-12",
  "all",
  "172800000",
  "691200000",
  "2764800000",
  "7776000000",
];

/**
 * EVAL of the admission script with its KEYS (script-keys.ts), as admission.ts sends it for `account`: a lease for
 * one request (id `options.id`) that wants to hold the request's reservation.
 */
const admission = (
  coldRecord: string,
  balance: string,
  reservation: string,
  options: { id?: string; at?: number; keyHash?: string; account?: { userId: string; keyId: string } | null } = {},
) => {
  const at = options.at ?? now;
  const keyHash = options.keyHash ?? "hash-1";
  const account = options.account === undefined ? { userId: "user-1", keyId: "key-1" } : options.account;
  const filling = coldRecord !== "";
  const keys = admissionKeys({ keyHash, clientIp: "203.0.113.9", now: at, account, cacheKey: null, filling });
  return [
    "EVAL",
    ADMISSION_SCRIPT,
    String(keys.length),
    ...keys,
    String(at),
    options.id ?? `req-${reservation}`,
    keyHash,
    "203.0.113.9",
    "",
    reservation,
    coldRecord,
    balance,
    "1",
    "900000",
    "60000",
    "1800000",
    "30",
    "0",
    "600000",
    ...spendArguments,
    account?.userId ?? "",
    "1",
    "1",
    reservation,
  ];
};

describe("hot-path scripts on the embedded backend", () => {
  it("grant a lease: cold, then filled, with the minute's reset and the balance exact above 2^31", async () => {
    // No record: cold in both layouts, without the drain generation (admission.ts reads it with the key record).
    const cold = (await backend.execute(admission("", "", "5", { account: null }))) as unknown[];
    expect([cold[0], cold[13]]).toEqual(["cold", ""]);
    expect(((await backend.execute(admission("", "", "5"))) as unknown[])[0]).toBe("cold");
    const admitted = (await backend.execute(admission(record, "9000000000000", "4000000001"))) as unknown[];
    expect(admitted[0]).toBe("ok");
    expect(admitted[7]).toBe(60_000 - 12_345);
    expect(admitted[11]).toBe("8995999999999");
    // Granted: one request, one slot, and the reservation held.
    expect(admitted.slice(-3)).toEqual(["1", "1", "4000000001"]);
    expect(await backend.execute(["HGET", "omz:resv:user-1", "req-4000000001"])).toBe(`4000000001:${now + 900_000}`);
  });

  it("read the filled key record with the read-only script (EVAL_RO, no-writes shebang)", async () => {
    const keys = recordReadKeys("hash-1", "203.0.113.9", now);
    const reply = (await backend.execute([
      "EVAL_RO",
      KEY_RECORD_READ_SCRIPT,
      "4",
      ...keys,
      "203.0.113.9",
    ])) as unknown[];
    expect(reply.slice(1, 4)).toEqual(["user-1", "key-1", "internal"]);
    expect(reply[0]).toBeNull();
    // Failed authentications, the drain generation, and the record's time to live (ms: the fill's 60 s TTL).
    expect(reply.slice(-3, -1)).toEqual([0, "0"]);
    expect(reply.at(-1)).toBeGreaterThan(50_000);
    expect(reply.at(-1)).toBeLessThanOrEqual(60_000);
  });

  it("flush it: credit, tokens and undrained usage as integers", async () => {
    const cost = 1_000_000_001;
    const { keys, args } = leaseFlushCall(
      {
        leaseId: "req-4000000001",
        flush: 1,
        userId: "user-1",
        keyId: "key-1",
        window: Math.floor(now / 60_000),
        spendKey: "",
        keyLimited: false,
        final: true,
        costMicroUsd: cost,
        tokens: 5_000_000_000,
        unusedRequests: 0,
        releaseSlots: [1],
        usage: [{ cost_micro_usd: cost } as QueuedUsage],
        cache: [],
      },
      now,
    );
    const flushed = await backend.execute(["EVAL", LEASE_FLUSH_SCRIPT, String(keys.length), ...keys, ...args]);
    expect(flushed).toBe(1);
    // The hold's unspent 3,000,000,000 comes back; the slot is released.
    expect(await backend.execute(["GET", "omz:credit:user-1"])).toBe("8998999999999");
    expect(await backend.execute(["GET", "omz:undrained:user-1"])).toBe("1000000001");
    expect(await backend.execute(["GET", `omz:rl:user-1:t:${Math.floor(now / 60_000)}`])).toBe("5000000000");
    expect(await backend.execute(["ZCARD", "omz:cc:user-1"])).toBe(0);
  });

  it("enforce a key's spend limit above 2^31 micro-USD and a key's expiry in epoch milliseconds", async () => {
    // Limit 3,000,000,000 micro-USD a day, 2,999,999,999 already in Postgres, expiring one second after `now`.
    const limited = ["user-2", "key-2", "internal", "100", "1000000", "10", "0", "0", "0", "*", "1"]
      .concat(["3000000000", "d", String(now + 1_000), "2999999999"])
      .join("|");
    const request = (coldRecord: string, id: string, at = now) =>
      backend.execute(
        admission(coldRecord, "9000000000000", "5", {
          id,
          at,
          keyHash: "hash-2",
          account: { userId: "user-2", keyId: "key-2" },
        }),
      ) as Promise<unknown[]>;
    const admitted = await request(limited, "spend-1");
    expect(admitted[0]).toBe("ok");
    expect(admitted[14]).toBe("omz:spend:key-2:d2026-12-06");
    // The hold is what the limit leaves (1), not the reservation (5).
    expect(await backend.execute(["GET", "omz:spend:key-2:d2026-12-06"])).toBe("3000000000");
    expect((await request("", "spend-2"))[0]).toBe("key_spend");
    expect((await request("", "spend-3", now + 1_000))[0]).toBe("expired");
  });
});

describe("the prompt-cache summary's scripts on the embedded backend", () => {
  // This hour: a summary expires at the end of the next hour by the real clock.
  const hour = summaryHour(Date.now());
  const log = cacheSummaryKey("user-3", hour);
  const entry = (hex: string) => `omz:pc:${hex.repeat(64 / hex.length)}`;
  const flush = (id: number, entries: string[]) => {
    const { keys, args } = leaseFlushCall(
      {
        leaseId: "sum-lease",
        flush: id,
        userId: "user-3",
        keyId: "key-3",
        window: Math.floor(Date.now() / 60_000),
        spendKey: "",
        keyLimited: false,
        final: false,
        costMicroUsd: 0,
        tokens: 0,
        unusedRequests: 0,
        releaseSlots: [],
        usage: [],
        cache: entries.map((key) => ({ key, entry: "sealed" })),
        summaryHour: hour,
      },
      Date.now(),
    );
    return backend.execute(["EVAL", LEASE_FLUSH_SCRIPT, String(keys.length), ...keys, ...args]);
  };
  const read = (offsets: [number, number]) =>
    backend.execute([
      "EVAL",
      SUMMARY_READ_SCRIPT,
      "2",
      log,
      cacheSummaryKey("user-3", hour - 1),
      ...offsets.map(String),
    ]) as Promise<string[]>;

  it("a flush logs its entries' prefixes; a read answers what each log gained, from the start after a deletion", async () => {
    expect(await flush(1, [entry("ab"), entry("cd")])).toBe(1);
    expect(await read([0, 0])).toEqual(["0", "abababcdcdcd", "0", ""]);
    expect(await flush(2, [entry("ef")])).toBe(1);
    expect(await read([12, 0])).toEqual(["12", "efefef", "0", ""]);
    // Until the end of the next hour: after the hour's last entry has expired, and by less than an hour more.
    const endOfNextHour = (hour + 2) * 3600 - Math.floor(Date.now() / 1000);
    expect(Math.abs(Number(await backend.execute(["TTL", log])) - endOfNextHour)).toBeLessThanOrEqual(1);
    // The cache switched off and on: the log is deleted and begins again, shorter than the offset read so far.
    await backend.execute(["DEL", log]);
    expect(await flush(3, [entry("12")])).toBe(1);
    expect(await read([18, 0])).toEqual(["0", "121212", "0", ""]);
  });
});
