/**
 * The per-account bounds of the hot path across isolates (issue 14), proven with three separate workerd processes
 * (three isolates, three memories) sharing one Upstash stand-in whose geo profile makes writes pay the primary's round
 * trip and replica reads lag behind it. Requests are spread over the processes; the bounds come from
 * worker/src/services/hot-path/edge-bounds.ts, so a design that changes them (edge leases) is checked by the same
 * tests: requests per minute and concurrency never over the limit, credit at most (isolates x largest reservation)
 * below zero with no request lost and the ledger adding up, revocation and limit changes enforced by every process
 * within the key record's staleness bound plus the lag, and nothing left held in Redis once traffic stops.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changeEffectiveWithinMs,
  concurrencyOverLimit,
  creditOverdraftMicroUsd,
  quietReturnWithinMs,
  requestsOverLimit,
} from "../../worker/src/services/hot-path/edge-bounds.ts";
import type { UpstashGeoProfile } from "../upstash/geo-profile.ts";
import {
  changeKeyLimits,
  changePlan,
  createAccount,
  heldInRedis,
  readCredit,
  revokeKey,
  type TestAccount,
} from "./accounts.ts";
import { startMultiGateway, type MultiGateway } from "./multi-gateway.ts";
import { multiGatewayDatabase, multiGatewayRedisUrl } from "./targets.ts";
import {
  chat,
  clearSimulatorCalls,
  largestReservationMicroUsd,
  minuteWindow,
  peakInFlight,
  simulatorCalls,
  statuses,
  withinOneWindow,
  type ChatOptions,
  type Outcome,
} from "./traffic.ts";

const PROCESSES = 3;
/** Far from Tokyo, near a read region, and a replica that lags (docs/geo.md). */
const GEO: UpstashGeoProfile = { name: "multi-gateway", primaryRttMs: 40, replicaRttMs: 2, replicationLagMs: 30 };
const LEASE_QUIET_MS = 500;
/** Time the test's own requests and polling add to a bound (a request in flight, a poll's pause, a loaded machine). */
const SLACK_MS = 1_500;
/** Refusals a process must keep giving after its first, for "never accepts it again". */
const REFUSALS_AFTER_FIRST = 5;
const RICH = 50_000_000;

let harness: MultiGateway;
const log = (line: string) => {
  if (process.env.OMNIZEN_TEST_VERBOSE) console.log(`[multi-gateway] ${line}`);
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  harness = await startMultiGateway({
    database: multiGatewayDatabase(process.env),
    redisUrl: multiGatewayRedisUrl(process.env),
    processes: PROCESSES,
    geo: GEO,
    leaseQuietMs: LEASE_QUIET_MS,
    name: "multi-gateway-test",
    log,
  });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

const send = (index: number, account: TestAccount, options: ChatOptions) =>
  chat(harness.gateways, index, account.apiKey, options);

/** `loops` clients, spread over the processes, each sending one request after another until `done` says stop. */
async function hammer(
  account: TestAccount,
  loops: number,
  options: ChatOptions,
  done: (outcome: Outcome, mine: readonly Outcome[]) => boolean,
  pauseAfterRefusalMs = 50,
): Promise<Outcome[]> {
  const all: Outcome[] = [];
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      const mine: Outcome[] = [];
      for (;;) {
        const outcome = await send(loop, account, options);
        mine.push(outcome);
        all.push(outcome);
        if (done(outcome, mine)) return;
        if (outcome.status !== 200) await pause(pauseAfterRefusalMs);
      }
    }),
  );
  return all;
}

/** Each process answers one request after another until it has refused more than REFUSALS_AFTER_FIRST in a row. */
async function pollEveryProcess(
  account: TestAccount,
  refusal: (outcome: Outcome) => boolean,
  deadline: number,
): Promise<Outcome[][]> {
  return Promise.all(
    harness.gateways.map(async (_, index) => {
      const outcomes: Outcome[] = [];
      let refusedInRow = 0;
      while (refusedInRow <= REFUSALS_AFTER_FIRST && Date.now() < deadline) {
        const outcome = await send(index, account, { tag: "poll" });
        outcomes.push(outcome);
        refusedInRow = refusal(outcome) ? refusedInRow + 1 : 0;
        await pause(100);
      }
      return outcomes;
    }),
  );
}

/**
 * For one process's polls around a change (started, and done at `changedAt`): the first refusal came after the change
 * started and within the bound (+ slack) of its end, nothing
 * sent after the bound was admitted, and after the first refusal every answer was a refusal.
 */
function expectEnforcedWithin(
  outcomes: readonly Outcome[],
  refusal: (o: Outcome) => boolean,
  change: { startedAt: number; changedAt: number },
) {
  const { changedAt } = change;
  const boundMs = changeEffectiveWithinMs(GEO.replicaRttMs, GEO.replicationLagMs);
  const first = outcomes.findIndex(refusal);
  expect(first, `statuses ${JSON.stringify(statuses(outcomes))}`).toBeGreaterThanOrEqual(0);
  // Refused because of the change, not before it.
  expect(outcomes[first]?.doneAt).toBeGreaterThan(change.startedAt);
  expect((outcomes[first]?.doneAt ?? Infinity) - changedAt).toBeLessThanOrEqual(boundMs + SLACK_MS);
  const after = outcomes.slice(first);
  expect(after.length).toBeGreaterThan(REFUSALS_AFTER_FIRST);
  expect(after.every(refusal), `after the first refusal: ${JSON.stringify(statuses(after))}`).toBe(true);
  expect(outcomes.filter((o) => o.status === 200 && o.sentAt > changedAt + boundMs)).toEqual([]);
}

describe(`bounds across ${PROCESSES} gateway processes under replication lag`, () => {
  it("requests per minute: never more admitted in a window than the key's limit, the rest 429 with Retry-After", async () => {
    const limit = 12;
    const account = await createAccount(harness, { balanceMicroUsd: RICH, keyLimits: { requestsPerMinute: limit } });
    await clearSimulatorCalls(harness.stack.simulatorUrl);
    const window = await withinOneWindow(10_000);
    // 40 requests: four bursts of ten at once, one after another, spread over the three processes.
    const outcomes: Outcome[] = [];
    for (let burst = 0; burst < 4; burst += 1) {
      outcomes.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, index) => send(burst * 10 + index, account, { tag: "rpm" })),
        )),
      );
    }
    expect(outcomes.every((o) => minuteWindow(o.sentAt) === window && minuteWindow(o.doneAt) === window)).toBe(true);
    const admitted = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status !== 200);
    log(`rpm: ${JSON.stringify(statuses(outcomes))}`);
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThanOrEqual(limit + requestsOverLimit(PROCESSES));
    // What reached the provider: no more than was admitted.
    expect((await simulatorCalls(harness.stack.simulatorUrl)).length).toBe(admitted.length);
    expect(refused.length).toBe(outcomes.length - admitted.length);
    for (const outcome of refused) {
      expect(outcome).toMatchObject({ status: 429, errorType: "rate_limit_error", errorCode: "rate_limited" });
      expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  }, 90_000);

  it("concurrency: never more upstream calls in flight at once than the key's limit, across processes", async () => {
    const limit = 2;
    const account = await createAccount(harness, { balanceMicroUsd: RICH, keyLimits: { concurrentRequests: limit } });
    await clearSimulatorCalls(harness.stack.simulatorUrl);
    const until = Date.now() + 3_000;
    // Six clients (two per process), each answer held 400 ms upstream; a refused client retries after 100 ms.
    const outcomes = await hammer(
      account,
      2 * PROCESSES,
      { tag: "cc", directives: "stall_ms=400" },
      () => Date.now() >= until,
      100,
    );
    const calls = await simulatorCalls(harness.stack.simulatorUrl);
    const admitted = outcomes.filter((o) => o.status === 200);
    log(`concurrency: ${JSON.stringify(statuses(outcomes))}, peak ${peakInFlight(calls)}`);
    expect(calls.every((call) => call.finished_at !== null)).toBe(true);
    expect(peakInFlight(calls)).toBeLessThanOrEqual(limit + concurrencyOverLimit(PROCESSES));
    // The limit was reached (else the test proves nothing), and every admitted request reached the provider once.
    expect(peakInFlight(calls)).toBe(limit);
    expect(calls.length).toBe(admitted.length);
    for (const outcome of outcomes.filter((o) => o.status !== 200)) {
      expect(outcome).toMatchObject({
        status: 429,
        errorType: "rate_limit_error",
        errorCode: "too_many_concurrent_requests",
      });
      expect(outcome.retryAfter).not.toBeNull();
    }
  }, 60_000);

  it("credit: at most (processes x largest reservation) below zero, no request lost, the ledger adds up", async () => {
    const options = { maxTokens: 400, directives: "words=150" };
    const maxReservation = largestReservationMicroUsd(options, new Date(Date.now() + 60_000));
    const initial = 5 * maxReservation;
    const account = await createAccount(harness, { balanceMicroUsd: initial });
    await clearSimulatorCalls(harness.stack.simulatorUrl);
    // Six clients (two per process) until each is refused for credit (or gives up after 60 requests).
    const outcomes = await hammer(
      account,
      2 * PROCESSES,
      { ...options, tag: "credit" },
      (outcome, mine) => outcome.status === 402 || mine.length >= 60,
    );
    const admitted = outcomes.filter((o) => o.status === 200);
    expect(statuses(outcomes)).toEqual({ 200: admitted.length, 402: 2 * PROCESSES });
    for (const outcome of outcomes.filter((o) => o.status === 402))
      expect(outcome).toMatchObject({ errorType: "insufficient_quota", errorCode: "insufficient_credit" });
    // Settled (reservations back), drained into Postgres and posted into the balance.
    await expect.poll(() => heldInRedis(harness, account), { timeout: 10_000 }).toMatchObject({ reservations: 0 });
    await harness.drainAll();
    const credit = await readCredit(harness, account.userId);
    log(`credit: ${admitted.length} admitted, max reservation ${maxReservation}, ${JSON.stringify(credit)}`);
    expect(admitted.length).toBeGreaterThan(1);
    expect(credit.postgresBalance).toBeGreaterThanOrEqual(-creditOverdraftMicroUsd(PROCESSES, maxReservation));
    // No request lost: one usage row per answered request, each of which reached the provider once.
    expect(credit.usageRows).toBe(admitted.length);
    expect((await simulatorCalls(harness.stack.simulatorUrl)).length).toBe(admitted.length);
    // The ledger adds up: grant + usage debits = balance = grant - cost of the rows; Redis agrees once quiet.
    expect(credit.ledgerSum).toBe(credit.posted);
    expect(credit.postgresBalance).toBe(credit.posted);
    expect(credit.posted).toBe(initial - credit.usageCost);
    expect(credit.undrained).toBe(0);
    if (credit.counter !== null) expect(credit.counter).toBe(credit.postgresBalance);
  }, 90_000);

  /**
   * Uses the key on every process (`warmPerProcess` requests each, in one window), makes `change` on one process 300
   * ms into the polling, and requires every process to enforce it within the bound. With `oneWindow`, everything
   * happens in one minute window (a limit change: what was counted before it stays over the new limit).
   */
  async function expectChangeEnforced(
    account: TestAccount,
    warmPerProcess: number,
    change: () => Promise<void>,
    refused: (o: Outcome) => boolean,
    oneWindow: boolean,
  ): Promise<void> {
    const boundMs = changeEffectiveWithinMs(GEO.replicaRttMs, GEO.replicationLagMs);
    const window = oneWindow ? await withinOneWindow(boundMs + SLACK_MS + 5_000) : minuteWindow(Date.now());
    await Promise.all(
      harness.gateways.map(async (_, index) => {
        for (let round = 0; round < warmPerProcess; round += 1)
          expect((await send(index, account, { tag: "warm" })).status).toBe(200);
      }),
    );
    const changing = (async () => {
      await pause(300);
      const startedAt = Date.now();
      await change();
      return { startedAt, changedAt: Date.now() };
    })();
    const outcomes = await pollEveryProcess(account, refused, Date.now() + 300 + boundMs + SLACK_MS + 3_000);
    const changed = await changing;
    if (oneWindow) expect(outcomes.flat().every((o) => minuteWindow(o.doneAt) === window)).toBe(true);
    for (const [index, mine] of outcomes.entries()) {
      log(`change, process ${index}: ${JSON.stringify(statuses(mine))}`);
      expectEnforcedWithin(mine, refused, changed);
    }
  }

  it("revocation under lag: every process refuses the key within the bound, and never accepts it again", async () => {
    const account = await createAccount(harness, { balanceMicroUsd: RICH });
    await expectChangeEnforced(
      account,
      2,
      () => revokeKey(harness, account, 0),
      (o) => o.status === 401 && o.errorCode === "invalid_api_key",
      false,
    );
  }, 60_000);

  it("limit change under lag: every process enforces a lowered per-minute key limit within the bound", async () => {
    const account = await createAccount(harness, { balanceMicroUsd: RICH, keyLimits: { requestsPerMinute: 1_000 } });
    // Six requests in the window, then the key's limit drops to three (on another process than the polls' first).
    await expectChangeEnforced(
      account,
      2,
      () => changeKeyLimits(harness, account, { requestsPerMinute: 3 }, 1),
      (o) => o.status === 429 && o.errorCode === "rate_limited",
      true,
    );
  }, 60_000);

  it("plan change under lag: every process enforces the new plan's limits within the bound", async () => {
    const account = await createAccount(harness, { plan: "pro", balanceMicroUsd: RICH });
    // 21 requests in the window on pro (300 a minute), then the subscription ends: free allows 20 a minute (and 2 at
    // once, so a refusal may name either of free's limits).
    await expectChangeEnforced(
      account,
      7,
      () => changePlan(harness, account, "free"),
      (o) => o.status === 429 && o.errorType === "rate_limit_error",
      true,
    );
  }, 60_000);

  it("quiet return: once traffic stops, the account holds no reservation and no concurrency slot in Redis", async () => {
    const account = await createAccount(harness, { balanceMicroUsd: RICH, keyLimits: { concurrentRequests: 4 } });
    const outcomes = await Promise.all(
      Array.from({ length: 4 * PROCESSES }, (_, index) =>
        send(index, account, { tag: "quiet", directives: "stall_ms=200" }),
      ),
    );
    const stoppedAt = Date.now();
    expect(outcomes.some((o) => o.status === 200)).toBe(true);
    const withinMs = quietReturnWithinMs(LEASE_QUIET_MS, GEO.primaryRttMs, GEO.replicationLagMs) + SLACK_MS;
    await expect
      .poll(() => heldInRedis(harness, account), { timeout: withinMs, interval: 50 })
      .toEqual({ reservations: 0, accountSlots: 0, keySlots: 0 });
    log(`quiet return after ${Date.now() - stoppedAt} ms`);
  }, 30_000);
});
