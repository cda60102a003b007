/**
 * The gateway's admission script (a lease's grant) under the stand-in's model of Upstash's script locks
 * (script-locks.ts, a geo profile with a modelled lock hold time): a script without `allow-key-locking` takes the
 * database-wide lock, so every account's requests queue behind each other; the admission script declares its keys
 * (script-keys.ts) and locks only them, so two accounts' requests run side by side. A flagged script that builds a key
 * it did not declare (what the scripts did before) is refused.
 */
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountRecord } from "../../worker/src/services/hot-path/account-record.ts";
import { runScript } from "../../worker/src/services/hot-path/run-script.ts";
import { scriptClient } from "../../worker/src/services/hot-path/script-client.ts";
import { accountRecord, admitOnLease } from "../../worker/test/support/leased-request.ts";
import { testInfrastructure } from "../test-environment.ts";
import { DYNAMIC_KEYS_ERROR } from "./key-locking.ts";
import { startUpstashServer, type UpstashServer } from "./server.ts";

const token = "test-token-hot-path-locking";
const { redisUrl } = testInfrastructure(process.env);
/** How long the model holds a script's locks: large against the loopback round trip, so queueing shows. */
const HOLD_MS = 80;
const PER_ACCOUNT = 4;

function account(): { record: AccountRecord; keyHash: string } {
  return { record: accountRecord(), keyHash: crypto.randomUUID().replaceAll("-", "") };
}

describe("hot-path scripts under Upstash's script locks (stand-in model)", () => {
  let server: UpstashServer;
  beforeAll(async () => {
    server = await startUpstashServer({
      token,
      redisUrl,
      log: () => undefined,
      geo: { name: "locks", primaryRttMs: 0, replicaRttMs: 0, replicationLagMs: 0, scriptLockHoldMs: HOLD_MS },
    });
  });
  afterAll(() => server.close());

  const client = () => scriptClient(server.url, token);
  const admitFor = async (who: ReturnType<typeof account>) =>
    (
      await admitOnLease({
        redis: client(),
        keyHash: who.keyHash,
        clientIp: "",
        cacheKey: null,
        reservationMicroUsd: 1,
        checkCredit: true,
        loadRecord: () => Promise.resolve(who.record),
      })
    ).admission;

  it("without allow-key-locking, two accounts' scripts queue behind one database-wide lock", async () => {
    const [a, b] = [account(), account()];
    const unflagged = `return redis.call("INCR", KEYS[1])`;
    const started = performance.now();
    await Promise.all(
      [a, b].flatMap((who) =>
        Array.from({ length: PER_ACCOUNT }, () =>
          runScript(client(), unflagged, [`omz:credit:${who.record.userId}`], []),
        ),
      ),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * PER_ACCOUNT * HOLD_MS * 0.95);
  });

  it("the admission script locks only its keys: two accounts' requests run side by side", async () => {
    const [a, b] = [account(), account()];
    // Cold fills first (Postgres stand-in: loadRecord), so the burst below is warm: one admission script each.
    expect((await admitFor(a)).auth.userId).toBe(a.record.userId);
    expect((await admitFor(b)).auth.userId).toBe(b.record.userId);
    const started = performance.now();
    const admitted = await Promise.all(
      [a, b].flatMap((who) => Array.from({ length: PER_ACCOUNT }, () => admitFor(who))),
    );
    const elapsed = performance.now() - started;
    expect(admitted.map((admission) => admission.auth.userId).sort()).toEqual(
      [...Array<string>(PER_ACCOUNT).fill(a.record.userId), ...Array<string>(PER_ACCOUNT).fill(b.record.userId)].sort(),
    );
    // One account's requests share its counters and still queue; the two accounts no longer queue behind each other.
    expect(server.geoRouter()?.peakConcurrentScripts).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeLessThan((2 * PER_ACCOUNT - 2) * HOLD_MS);
  });

  it("refuses a flagged script that touches a key it did not pass in KEYS", async () => {
    const redis = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
    const builtInside = `#!lua flags=allow-key-locking\nreturn redis.call("GET", "omz:credit:" .. ARGV[1])`;
    await expect(redis.eval(builtInside, [], ["someone"])).rejects.toThrow(DYNAMIC_KEYS_ERROR);
  });
});
