/**
 * No usage lost (docs/faults.md), via the bundled gateway on workerd (short variant; `npm run faults` runs the long
 * one: 2,000 requests per scenario and a 10 s Neon cut). Uses its own Postgres database and Redis database, so the
 * usage drain it runs never touches the queue of the worker tests running beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoadEnvironment, type LoadEnvironment } from "../load/load-environment.ts";
import { faultTestDatabase, faultTestRedisUrl } from "./fault-targets.ts";
import { neonCutScenario, upstashDownScenario } from "./scenarios.ts";

let environment: LoadEnvironment;
const log = (line: string) => {
  if (process.env.OMNIZEN_TEST_VERBOSE) console.log(line);
};

beforeAll(async () => {
  environment = await startLoadEnvironment({
    database: faultTestDatabase(process.env),
    redisUrl: faultTestRedisUrl(process.env),
    name: "faults-test",
    log,
  });
}, 120_000);

afterAll(async () => {
  await environment?.close();
});

describe("no usage lost", () => {
  it("cutting the Neon link under load: every request is served, and after recovery usage rows = requests", async () => {
    const report = await neonCutScenario(environment, { requests: 300, concurrency: 20, faultMs: 3_000, log });
    log(JSON.stringify(report));
    expect(report.statuses).toEqual({ "200": report.requests });
    expect(report.queuedAtRestore).toBeGreaterThan(0);
    expect(report.usageRows).toBe(report.requests);
    expect(report.logRows).toBe(report.requests);
    expect([report.duplicates, report.queuedAtEnd]).toEqual([0, 0]);
  }, 60_000);

  it("Upstash down under load: new requests get 503 with Retry-After, every admitted request is billed", async () => {
    const report = await upstashDownScenario(environment, { requests: 300, concurrency: 20, faultMs: 1_500, log });
    log(JSON.stringify(report));
    const served = report.statuses["200"] ?? 0;
    const refused = report.statuses["503"] ?? 0;
    expect(served + refused).toBe(report.requests);
    expect(refused).toBeGreaterThan(0);
    expect(report.retryAfter503).toBe(refused);
    expect(report.events["usage-written-directly"]).toBeGreaterThan(0);
    expect(report.usageRows).toBe(served);
    expect([report.duplicates, report.queuedAtEnd]).toEqual([0, 0]);
  }, 60_000);
});
