/**
 * The "no usage lost" fault scenarios (docs/faults.md), run against the gateway on plain workerd with the usage
 * cron triggered about once a second during the load:
 * - Neon cut: 20% of the requests before the cut, 60% while the link is cut (held back until it is restored if
 *   they finish sooner), 20% after. Warm keys never touch Postgres on the hot path, so every request must be
 *   served; the drain fails during the cut and must keep the records (claim, insert, release). After recovery and
 *   the drain: usage rows = requests, no duplicates, queue empty.
 * - Upstash down: the same placement, with streams kept open (slow chunks) so requests admitted before the outage
 *   finish during it. New requests must get 503 with Retry-After; every admitted request (200) must have its usage
 *   row, written directly to Postgres by the settlement when Upstash cannot take it.
 */
import { isFailure } from "../bench/http-client.ts";
import { countLogEvents } from "../bench/gateway-runtime.ts";
import type { LoadEnvironment } from "../load/load-environment.ts";
import { mixedRequest } from "../load/request-mix.ts";
import { closedLoop, countStatuses, type LoadResult } from "./closed-loop.ts";

export interface ScenarioOptions {
  requests: number;
  concurrency: number;
  /** How long the fault lasts. */
  faultMs: number;
  log: (line: string) => void;
}

export interface ScenarioReport {
  requests: number;
  statuses: Record<string, number>;
  /** Requests answered while the fault was on. */
  answeredDuringFault: number;
  /** 503 answers that carried Retry-After. */
  retryAfter503: number;
  /** Records waiting in the queue (and draining list) just before the fault ended. */
  queuedAtRestore: number;
  cronRuns: number;
  usageRows: number;
  logRows: number;
  duplicates: number;
  queuedAtEnd: number;
  /** Worker log events counted by name (e.g. usage-written-directly). */
  events: Record<string, number>;
  elapsedMs: number;
}

const WARM_UP = 4;

async function runScenario(
  environment: LoadEnvironment,
  options: ScenarioOptions,
  fault: { set: (on: boolean) => Promise<void>; directives: string; tag: string },
): Promise<ScenarioReport> {
  const started = Date.now();
  const rowsBefore = await environment.countRows();
  const linesBefore = environment.gateway.loggedLines().length;
  const request = (index: number) =>
    mixedRequest(environment.gateway.url, environment.apiKey, `${fault.tag}-${started}`, index, fault.directives);
  // Warm the key record and credit counter (the first request fills them from Postgres).
  const warm = await closedLoop({
    count: WARM_UP,
    concurrency: 1,
    request: (index) => request(options.requests + index),
  });
  const faultFrom = Math.floor(options.requests * 0.2);
  const faultUntil = Math.floor(options.requests * 0.8);
  let faultOn = false;
  let faultStarted: Promise<void> | undefined;
  let faultEnded: Promise<void> | undefined;
  let queuedAtRestore = 0;
  let faultWindow: [number, number] = [0, 0];
  const startFault = () => {
    faultStarted ??= (async () => {
      await fault.set(true);
      faultOn = true;
      faultWindow = [Date.now(), Number.POSITIVE_INFINITY];
      options.log(`fault on at ${Date.now() - started} ms`);
      faultEnded = (async () => {
        await new Promise((resolve) => setTimeout(resolve, options.faultMs));
        queuedAtRestore = await environment.queuedRecords();
        await fault.set(false);
        faultOn = false;
        faultWindow[1] = Date.now();
        options.log(`fault off at ${Date.now() - started} ms (${queuedAtRestore} records queued)`);
      })();
    })();
    return faultStarted;
  };
  const gate = async (index: number) => {
    if (index >= faultFrom) await startFault();
    if (index >= faultUntil) await faultEnded;
  };
  let loadDone = false;
  let cronRuns = 0;
  const cronLoop = (async () => {
    while (!loadDone) {
      await environment.runCron().catch(() => undefined);
      cronRuns += 1;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  const results = await closedLoop({ count: options.requests, concurrency: options.concurrency, request, gate });
  await faultEnded;
  loadDone = true;
  await cronLoop;
  if (faultOn) await fault.set(false);
  await environment.drainAll();
  const rows = await environment.countRows();
  const all: LoadResult[] = [...warm, ...results];
  return {
    requests: all.length,
    statuses: countStatuses(all),
    answeredDuringFault: results.filter(
      (result) => result.endedAt >= faultWindow[0] && result.endedAt <= faultWindow[1],
    ).length,
    retryAfter503: all.filter(
      ({ outcome }) => !isFailure(outcome) && outcome.status === 503 && /^\d+$/.test(outcome.retryAfter ?? ""),
    ).length,
    queuedAtRestore,
    cronRuns,
    usageRows: rows.usage - rowsBefore.usage,
    logRows: rows.logs - rowsBefore.logs,
    duplicates: rows.duplicates,
    queuedAtEnd: await environment.queuedRecords(),
    events: countLogEvents(environment.gateway.loggedLines().slice(linesBefore)),
    elapsedMs: Date.now() - started,
  };
}

export function neonCutScenario(environment: LoadEnvironment, options: ScenarioOptions): Promise<ScenarioReport> {
  return runScenario(environment, options, {
    set: (on) => environment.setNeonCut(on),
    directives: "chunks=4",
    tag: "neon",
  });
}

export function upstashDownScenario(environment: LoadEnvironment, options: ScenarioOptions): Promise<ScenarioReport> {
  return runScenario(environment, options, {
    set: (on) => environment.setUpstashDown(on),
    directives: "chunks=6 delay_ms=60",
    tag: "upstash",
  });
}
