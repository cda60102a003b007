/**
 * Per-key spend limits and expiry through the real admission (a lease's grant) and lease flush scripts on the
 * Upstash stand-in (docs/credit.md, "Per-key spend limits"): the limit holds under concurrency within what the
 * leases' holds left uncovered (docs/edge-leases.md, "The bounds"), calendar periods roll over in UTC, a spend
 * counter lost in Redis comes back from Postgres, and an expired key is refused.
 */
import { describe, expect, it } from "vitest";
import { GatewayError } from "../src/errors.ts";
import type { AccountRecord } from "../src/services/hot-path/account-record.ts";
import { scriptClient } from "../src/services/hot-path/script-client.ts";
import type { SpendPeriod } from "../src/lib/spend-period.ts";
import { accountRecord, admitOnLease, type LeasedRequest } from "./support/leased-request.ts";
import { binding, testRedis } from "./support/stand-ins.ts";

const client = () => scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

function limitedKey(limit: { amountMicroUsd: number; period: SpendPeriod }, overrides: Partial<AccountRecord> = {}) {
  // Plenty of account credit (accountRecord's): only the key's limit can refuse.
  const record = accountRecord({ spendLimit: limit, ...overrides });
  const keyHash = crypto.randomUUID().replaceAll("-", "");
  const lease = (reservationMicroUsd: number, now?: number, clientIp = "") =>
    admitOnLease({
      redis: client(),
      keyHash,
      clientIp,
      cacheKey: null,
      reservationMicroUsd,
      checkCredit: true,
      loadRecord: () => Promise.resolve(record),
      ...(now === undefined ? {} : { now }),
    });
  const request = async (reservationMicroUsd: number, now?: number, clientIp = "") =>
    (await lease(reservationMicroUsd, now, clientIp)).admission;
  return { record, keyHash, lease, request };
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe("per-key spend limit", () => {
  it("holds under concurrency: admitted spend stays within the limit plus what the holds left uncovered", async () => {
    const LIMIT = 100_000;
    const RESERVATION = 7_000;
    const key = limitedKey({ amountMicroUsd: LIMIT, period: "daily" });
    let admittedCost = 0;
    // A lease granted when less than a reservation was left holds less than its request may cost.
    let uncovered = 0;
    let refused = 0;
    let inFlightPeak = 0;
    let inFlight = 0;
    // 120 requests, 30 at a time, each costing between 40% and 100% of its reservation, settled after a short delay.
    let next = 0;
    const worker = async () => {
      while (next < 120) {
        next += 1;
        let leased: LeasedRequest;
        try {
          leased = await key.lease(RESERVATION);
        } catch (error) {
          expect(error).toBeInstanceOf(GatewayError);
          expect((error as GatewayError).code).toBe("insufficient_credit");
          refused += 1;
          continue;
        }
        uncovered += RESERVATION - (leased.admission.grant?.holdMicroUsd ?? 0);
        inFlight += 1;
        inFlightPeak = Math.max(inFlightPeak, inFlight);
        const cost = Math.round(RESERVATION * (0.4 + 0.6 * Math.random()));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
        await leased.finish({ costMicroUsd: cost, tokens: 0 });
        inFlight -= 1;
        admittedCost += cost;
      }
    };
    await Promise.all(Array.from({ length: 30 }, worker));
    expect(refused).toBeGreaterThan(0);
    expect(inFlightPeak).toBeGreaterThan(1);
    // The stated bound (docs/edge-leases.md): the limit, plus what costs exceeded the leases' holds (at most each
    // request's reservation less its lease's hold).
    expect(admittedCost).toBeLessThanOrEqual(LIMIT + uncovered);
    expect(admittedCost).toBeGreaterThanOrEqual(LIMIT - RESERVATION);
    // Every request settled: the counter holds exactly the admitted cost.
    const [spendKey] = await testRedis().keys(`omz:spend:${key.record.keyId}:*`);
    expect(Number(await testRedis().get(spendKey ?? ""))).toBe(admittedCost);
  });

  it("refuses with 402 naming the key's limit and its reset, and rolls over at midnight UTC", async () => {
    const key = limitedKey({ amountMicroUsd: 10_000, period: "daily" });
    const lateEvening = Date.parse("2026-12-06T23:59:58Z");
    const first = await key.request(6_000, lateEvening);
    expect(first.spendKey).toBe(`omz:spend:${key.record.keyId}:d2026-12-06`);
    await key.request(6_000, lateEvening);
    const error = await refusal(key.request(1, lateEvening + 1_000));
    expect(error.status).toBe(402);
    expect(error.param).toBe("spend_limit");
    expect(error.message).toBe(
      "This API key's spend limit of 0.01 USD per day is reached; it resets at 2026-12-07T00:00:00.000Z. " +
        "Raise the key's limit in the dashboard or use another key.",
    );
    // A new day: a new counter, admitted again.
    const nextDay = await key.request(6_000, Date.parse("2026-12-07T00:00:00Z"));
    expect(nextDay.spendKey).toBe(`omz:spend:${key.record.keyId}:d2026-12-07`);
    expect(await testRedis().get(nextDay.spendKey)).toBe("6000");
  });

  it("rolls weekly limits over on Monday and monthly ones on the 1st; `none` never resets", async () => {
    const weekly = limitedKey({ amountMicroUsd: 1_000, period: "weekly" });
    await weekly.request(1_000, Date.parse("2026-12-07T00:00:00Z")); // Monday
    await refusal(weekly.request(1, Date.parse("2026-12-13T23:59:59Z"))); // Sunday, same week
    await weekly.request(1, Date.parse("2026-12-14T00:00:00Z"));

    const monthly = limitedKey({ amountMicroUsd: 1_000, period: "monthly" });
    await monthly.request(1_000, Date.parse("2026-12-01T00:00:00Z"));
    const error = await refusal(monthly.request(1, Date.parse("2026-12-31T23:59:59Z")));
    expect(error.message).toContain("0.001 USD per month is reached; it resets at 2027-01-01T00:00:00.000Z");
    await monthly.request(1, Date.parse("2027-01-01T00:00:00Z"));

    const lifetime = limitedKey({ amountMicroUsd: 1_000, period: "none" });
    await lifetime.request(1_000, Date.parse("2026-12-01T00:00:00Z"));
    const never = await refusal(lifetime.request(1, Date.parse("2027-06-01T00:00:00Z")));
    expect(never.message).toBe(
      "This API key's spend limit of 0.001 USD in all is reached. Raise the key's limit in the dashboard or use another key.",
    );
  });

  it("returns the unspent hold when the lease is flushed, so a cheap request frees room for the next", async () => {
    const key = limitedKey({ amountMicroUsd: 10_000, period: "daily" });
    const leased = await key.lease(10_000);
    await refusal(key.request(1));
    await leased.finish({ costMicroUsd: 2_500, tokens: 0 });
    // Applied once per (lease, flush), like every flush.
    await leased.finish({ costMicroUsd: 2_500, tokens: 0 });
    expect(await testRedis().get(leased.admission.spendKey)).toBe("2500");
    await key.request(1);
  });

  it("rebuilds a spend counter lost in Redis from the key's cost already in Postgres at the next record fill", async () => {
    const key = limitedKey({ amountMicroUsd: 10_000, period: "daily" }, { periodSpendMicroUsd: 9_000 });
    const first = await key.request(500);
    expect(await testRedis().get(first.spendKey)).toBe("9500");
    // The counter disappears (eviction, a restore): the key record's next fill raises it to Postgres's figure.
    await testRedis().del(first.spendKey);
    await testRedis().del(`omz:key:${key.keyHash}`);
    key.record.periodSpendMicroUsd = 10_000;
    const error = await refusal(key.request(500));
    expect(error.status).toBe(402);
    // A fill never lowers a counter that is higher (reservations in flight, usage not yet drained).
    await testRedis().set(first.spendKey, "9000");
    await testRedis().del(`omz:key:${key.keyHash}`);
    key.record.periodSpendMicroUsd = 100;
    await key.request(500);
    expect(await testRedis().get(first.spendKey)).toBe("9500");
  });
});

describe("key expiry", () => {
  it("refuses an expired key like a revoked one (401), and admits it before its expiry", async () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    const key = limitedKey({ amountMicroUsd: 1_000_000, period: "none" }, { expiresAtMs: now + 1_000 });
    await key.request(1, now);
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const error = await refusal(key.request(1, now + 1_000, address));
    expect(error.status).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toContain("expired");
    // Not counted as a failed authentication of the address (the key is genuine).
    expect(await testRedis().keys(`omz:authfail:${address}:*`)).toEqual([]);
  });
});
