/**
 * The gateway's own hot-path scripts on the embedded backend (the fresh-machine fallback without Redis): the
 * embedded Lua VM has 32-bit integers, so millisecond clocks, money above 2^31 and products like the window reset
 * must still come out exact, as on Redis. Before this was fixed, every admission failed there with "bad argument #2
 * to 'format' (number has no integer representation)" and the fresh-machine path served nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ADMISSION_SCRIPT, SETTLEMENT_SCRIPT } from "../../worker/src/services/hot-path/lua-scripts.ts";
import { createEmbeddedBackend } from "./embedded-backend.ts";

const backend = createEmbeddedBackend();
afterAll(() => backend.close());

const now = Date.parse("2026-12-06T00:00:12.345Z");
const record = ["user-1", "key-1", "internal", "100", "1000000", "10", "0", "0", "0", "*", "1"].join("|");
const admission = (coldRecord: string, balance: string, reservation: string) => [
  "EVAL",
  ADMISSION_SCRIPT,
  "0",
  String(now),
  `req-${reservation}`,
  "hash-1",
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
];

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

describe("hot-path scripts on the embedded backend", () => {
  it("admit a request: cold, then filled, with the minute's reset and the balance exact above 2^31", async () => {
    const cold = (await backend.execute(admission("", "", "5"))) as unknown[];
    expect(cold[0]).toBe("cold");
    const admitted = (await backend.execute(admission(record, "9000000000000", "4000000001"))) as unknown[];
    expect(admitted[0]).toBe("ok");
    expect(admitted[7]).toBe(60_000 - 12_345);
    expect(admitted[11]).toBe("8995999999999");
    expect(await backend.execute(["HGET", "omz:resv:user-1", "req-4000000001"])).toBe(`4000000001:${now + 900_000}`);
  });

  it("settle it: credit, tokens and undrained usage as integers", async () => {
    const settled = await backend.execute([
      "EVAL",
      SETTLEMENT_SCRIPT,
      "0",
      "req-4000000001",
      "user-1",
      "key-1",
      "3000000000",
      "5000000000",
      String(Math.floor(now / 60_000)),
      "",
      "",
      "3600",
      "{}",
      "1000000001",
    ]);
    expect(settled).toBe(1);
    expect(await backend.execute(["GET", "omz:credit:user-1"])).toBe("8998999999999");
    expect(await backend.execute(["GET", "omz:undrained:user-1"])).toBe("1000000001");
  });

  it("enforce a key's spend limit above 2^31 micro-USD and a key's expiry in epoch milliseconds", async () => {
    // Limit 3,000,000,000 micro-USD a day, 2,999,999,999 already in Postgres, expiring one second after `now`.
    const limited = ["user-2", "key-2", "internal", "100", "1000000", "10", "0", "0", "0", "*", "1"]
      .concat(["3000000000", "d", String(now + 1_000), "2999999999"])
      .join("|");
    const request = (coldRecord: string, id: string, at = now) => {
      const command = admission(coldRecord, "9000000000000", "5");
      // ["EVAL", script, "0", ARGV...]: ARGV[n] is command[n + 2].
      command[3] = String(at);
      command[4] = id;
      command[5] = "hash-2";
      return backend.execute([...command, ...spendArguments]) as Promise<unknown[]>;
    };
    const admitted = await request(limited, "spend-1");
    expect(admitted[0]).toBe("ok");
    expect(admitted[14]).toBe("omz:spend:key-2:d2026-12-06");
    expect(await backend.execute(["GET", "omz:spend:key-2:d2026-12-06"])).toBe("3000000004");
    expect((await request("", "spend-2"))[0]).toBe("key_spend");
    expect((await request("", "spend-3", now + 1_000))[0]).toBe("expired");
  });
});
