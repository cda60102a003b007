/**
 * How fast a change reaches the edge with the isolate's key records (worker/src/services/hot-path/edge-key-records.ts)
 * and Upstash Global's replication lag on (the stand-in's geo model, helper 7): this process is one isolate, and the
 * changes are made as another isolate's dashboard call makes them (Postgres changed, the Redis record deleted on the
 * primary), without telling this isolate.
 * - Revocation and limit changes take effect at the next request: the admission script, on the primary, finds the
 *   record gone and the fill reads Postgres. A lagging replica cannot bring a revoked key back to a cold isolate.
 * - The aliases this isolate serves from memory are never older than KEY_RECORD_MAX_STALE_MS (10 s).
 */
import { Redis as UpstashRedis } from "@upstash/redis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GatewayError } from "../../worker/src/errors.ts";
import type { AccountRecord } from "../../worker/src/services/hot-path/account-record.ts";
import { edgeKeyRecords, KEY_RECORD_MAX_STALE_MS } from "../../worker/src/services/hot-path/edge-key-records.ts";
import { readKeyAliases, type KeyAliasDeps } from "../../worker/src/services/hot-path/key-aliases.ts";
import { scriptClient } from "../../worker/src/services/hot-path/script-client.ts";
import { accountRecord, admitOnLease } from "../../worker/test/support/leased-request.ts";
import { testInfrastructure } from "../test-environment.ts";
import { startUpstashServer, type UpstashServer } from "./server.ts";

const token = "test-token-hot-path-freshness";
const { redisUrl } = testInfrastructure(process.env);
const LAG_MS = 400;

/** The account's row in "Postgres": what a cold fill reads (null = revoked). */
function account(): { postgres: { record: AccountRecord | null }; keyHash: string } {
  const record = accountRecord({ modelAliases: { fast: "deepseek/deepseek-v4-flash" } });
  return { postgres: { record }, keyHash: crypto.randomUUID().replaceAll("-", "") };
}

describe("edge key records under replication lag", () => {
  let server: UpstashServer;
  let primary: UpstashRedis;
  beforeAll(async () => {
    server = await startUpstashServer({
      token,
      redisUrl,
      log: () => undefined,
      geo: { name: "lagging", primaryRttMs: 0, replicaRttMs: 0, replicationLagMs: LAG_MS },
    });
    primary = new UpstashRedis({ url: server.url, token, enableAutoPipelining: false });
  });
  afterAll(() => server.close());
  afterEach(() => vi.useRealTimers());

  const admitFor = (who: ReturnType<typeof account>) =>
    admitOnLease({
      redis: scriptClient(server.url, token),
      keyHash: who.keyHash,
      clientIp: "",
      cacheKey: null,
      reservationMicroUsd: 1,
      checkCredit: true,
      loadRecord: () => Promise.resolve(who.postgres.record),
    });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "admitted",
      (error: unknown) => (error instanceof GatewayError ? error.code : String(error)),
    );
  /** What another isolate's dashboard call does: Postgres changed, the record deleted on the primary. */
  const changeElsewhere = async (who: ReturnType<typeof account>, record: AccountRecord | null) => {
    who.postgres.record = record;
    await primary.del(`omz:key:${who.keyHash}`);
  };

  it("applies a key limit lowered elsewhere at the next request, though this isolate still holds the record", async () => {
    const who = account();
    expect(await refusal(admitFor(who))).toBe("admitted");
    const before = who.postgres.record as AccountRecord;
    await changeElsewhere(who, { ...before, keyLimits: { ...before.keyLimits, requestsPerMinute: 1 } });
    // The key's own counter starts with the limit: one more request this minute, then 429 (the old record: none).
    expect(await refusal(admitFor(who))).toBe("admitted");
    expect(await refusal(admitFor(who))).toBe("rate_limited");
  });

  it("refuses a key revoked elsewhere at the next request, warm or cold, while the replica still has its record", async () => {
    const warm = account();
    expect(await refusal(admitFor(warm))).toBe("admitted");
    await changeElsewhere(warm, null);
    expect(await refusal(admitFor(warm))).toBe("invalid_api_key");

    const cold = account();
    expect(await refusal(admitFor(cold))).toBe("admitted");
    await new Promise((resolve) => setTimeout(resolve, LAG_MS + 200));
    await changeElsewhere(cold, null);
    // A fresh isolate: its replica read still finds the old record (the delete has not replicated yet).
    edgeKeyRecords.clear();
    expect(await refusal(admitFor(cold))).toBe("invalid_api_key");
  });

  it("serves aliases from memory without a read, and never older than the bound", async () => {
    const who = account();
    expect(await refusal(admitFor(who))).toBe("admitted");
    let postgresReads = 0;
    const deps = {
      scripts: scriptClient(server.url, token),
      openDatabase: async () => {
        const query = {
          select: () => query,
          from: () => query,
          where: () => query,
          limit: async () => {
            postgresReads += 1;
            return [{ aliases: who.postgres.record?.modelAliases ?? {}, expiresAt: null }];
          },
        };
        return query;
      },
    } as unknown as KeyAliasDeps;
    const before = who.postgres.record as AccountRecord;
    await changeElsewhere(who, { ...before, modelAliases: { fast: "deepseek/deepseek-v4-pro" } });
    // Within the bound this isolate may still serve the old map (from memory: no Redis, no Postgres)...
    expect(await readKeyAliases(deps, who.keyHash)).toEqual({ fast: "deepseek/deepseek-v4-flash" });
    expect(postgresReads).toBe(0);
    // ...and once the delete has replicated and the bound has passed, it serves the new one.
    await new Promise((resolve) => setTimeout(resolve, LAG_MS + 200));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + KEY_RECORD_MAX_STALE_MS });
    expect(await readKeyAliases(deps, who.keyHash)).toEqual({ fast: "deepseek/deepseek-v4-pro" });
    expect(postgresReads).toBe(1);
  });
});
