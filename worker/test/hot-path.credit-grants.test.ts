/**
 * Credit grants against the hot path's counter (docs/credit.md, "Grants"): a grant committed in Postgres reaches the
 * counter exactly once, even when it races a cold fill of the counter. Postgres is modelled in memory here (the
 * balance a fill reads), so the race windows can be placed exactly; the real ledger is covered by
 * credit.reconciliation.test.ts.
 */
import { describe, expect, it } from "vitest";
import { scriptClient } from "../src/services/hot-path/script-client.ts";
import { applyGrantToCounter } from "../src/services/billing/ledger.ts";
import { accountRecord, admitOnLease } from "./support/leased-request.ts";
import { binding, testRedis } from "./support/stand-ins.ts";

const client = () => scriptClient(binding("UPSTASH_REDIS_REST_URL"), binding("UPSTASH_REDIS_REST_TOKEN"));

function account(balanceMicroUsd: number) {
  const userId = `user-${crypto.randomUUID()}`;
  const postgres = { balance: balanceMicroUsd };
  const record = (balance: number) => accountRecord({ userId, keyId: `key-${userId}`, balanceMicroUsd: balance });
  const keyHash = crypto.randomUUID().replaceAll("-", "");
  /** One request (on a lease of its own); `duringRead` runs after the Postgres read and before the fill (the race). */
  const request = (reservationMicroUsd: number, leaseId: string, duringRead?: () => Promise<void>) =>
    admitOnLease({
      redis: client(),
      keyHash,
      leaseId,
      clientIp: "",
      cacheKey: null,
      reservationMicroUsd,
      checkCredit: true,
      loadRecord: async () => {
        const read = record(postgres.balance);
        await duringRead?.();
        return read;
      },
    });
  /** A grant: the ledger commit (Postgres), then the counter step, as postCreditEntry does. */
  const grant = async (amountMicroUsd: number, beforeCounterStep?: () => Promise<void>) => {
    postgres.balance += amountMicroUsd;
    await beforeCounterStep?.();
    await applyGrantToCounter(client(), { userId, amountMicroUsd, reference: `grant:${crypto.randomUUID()}` });
  };
  const counter = async () => Number(await testRedis().get(`omz:credit:${userId}`));
  return { userId, keyHash, postgres, request, grant, counter };
}

describe("credit grants racing cold fills", () => {
  it("counts a grant once when a fill read Postgres after the commit and filled before the counter step", async () => {
    const a = account(10_000);
    await a.grant(5_000, async () => {
      // The commit is in; a cold request reads Postgres (15_000) and fills the counter before the grant's step.
      await a.request(1_000, "first");
      expect(await a.counter()).toBe(14_000);
    });
    // The grant's step dropped the counter; the next request fills it from Postgres again.
    await a.request(1_000, "second");
    expect(await a.counter()).toBe(15_000 - 1_000 - 1_000);
  });

  it("does not lose a grant when a fill read Postgres before the commit and filled after the counter step", async () => {
    const a = account(10_000);
    await a.request(1_000, "warm");
    await testRedis().del(`omz:credit:${a.userId}`);
    // The fill reads 10_000, then the grant commits and runs its step, then the fill arrives: refused (the
    // generation moved), read again (15_000).
    await a.request(1_000, "racing", async () => {
      if (a.postgres.balance === 10_000) await a.grant(5_000);
    });
    expect(await a.counter()).toBe(15_000 - 1_000 - 1_000);
  });

  it("keeps the counter equal to Postgres minus reservations under concurrent requests, grants and counter loss", async () => {
    const a = account(1_000_000);
    let granted = 0;
    let running = true;
    let checks = 0;
    const wrong: string[] = [];
    const grants = (async () => {
      for (let tick = 0; tick < 80; tick += 1) {
        const amount = 1_000 + tick;
        granted += amount;
        // Sometimes the counter is gone when the grant commits (idle expiry), so fills race the grant's step.
        if (tick % 2 === 0) await testRedis().del(`omz:credit:${a.userId}`);
        if (tick % 3 === 0) await testRedis().del(`omz:key:${a.keyHash}`);
        await a.grant(amount, () => new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 6)));
        // Requests refill the counter meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 3 + Math.random() * 6));
        // Until the next grant, Postgres is still (only grants write it here): a counter that exists must be exactly
        // Postgres minus the reservations held, read atomically. A later counter drop would hide a wrong one.
        const [counter, held] = (await testRedis().eval(
          `return { redis.call("GET", KEYS[1]) or "", redis.call("HVALS", KEYS[2]) }`,
          [`omz:credit:${a.userId}`, `omz:resv:${a.userId}`],
          [],
        )) as [string, string[]];
        if (counter !== "") {
          checks += 1;
          const reserved = held.reduce((sum, entry) => sum + Number(entry.split(":")[0]), 0);
          if (Number(counter) !== a.postgres.balance - reserved) {
            wrong.push(`${counter} != ${a.postgres.balance} - ${reserved}`);
          }
        }
      }
    })();
    let next = 0;
    const worker = async () => {
      while (running) {
        next += 1;
        const leased = await a
          .request(
            100,
            `L${crypto.randomUUID()}`,
            () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
          )
          .catch((error: unknown) => {
            // Refills refused three times in a row (every read raced a grant) answer 503: nothing was reserved.
            if (error instanceof Error && error.message.includes("retry in a second")) return null;
            throw error;
          });
        if (!leased) continue;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        // Nothing spent: the whole hold comes back (the usage path is covered by credit.overspend).
        await leased.finish({ costMicroUsd: 0, tokens: 0 });
      }
    };
    const workers = Promise.all(Array.from({ length: 12 }, worker));
    await grants;
    running = false;
    await workers;
    expect(next).toBeGreaterThan(100);
    expect(granted).toBeGreaterThan(0);
    expect(checks).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
    await a.request(100, "last");
    // Every grant counted once, every finished lease's hold returned: only the last request's hold is held.
    expect(a.postgres.balance).toBe(1_000_000 + granted);
    expect(await a.counter()).toBe(1_000_000 + granted - 100);
  });
});
