/**
 * `npm run faults [-- --requests=2000 --concurrency=20 --neon-cut-seconds=10 --upstash-down-seconds=5]`: the long
 * variant of local/faults/no-usage-lost.test.ts (docs/faults.md): thousands of requests through the gateway on
 * plain workerd while the Neon link is cut, then while Upstash is unreachable. Prints each scenario's figures and
 * PASS/FAIL lines; exits 1 on any failure. Uses the fault tests' own Postgres and Redis databases
 * (./fault-targets.ts); a DATABASE_URL in the environment is ignored.
 */
import { parseArgs } from "node:util";
import { startLoadEnvironment } from "../load/load-environment.ts";
import { faultTestDatabase, faultTestRedisUrl } from "./fault-targets.ts";
import { neonCutScenario, upstashDownScenario, type ScenarioReport } from "./scenarios.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "20" },
    "neon-cut-seconds": { type: "string", default: "10" },
    "upstash-down-seconds": { type: "string", default: "5" },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const log = (line: string) => process.stderr.write(`[faults] ${line}\n`);

let starting = true;
const environment = await startLoadEnvironment({
  database: faultTestDatabase(process.env),
  redisUrl: faultTestRedisUrl(process.env),
  name: "faults",
  log: (line) => {
    if (starting || line.includes("fault")) log(line);
  },
});
starting = false;

const checks: Array<[boolean, string]> = [];
const print = (name: string, report: ScenarioReport) => {
  process.stdout.write(`\n${name}\n${JSON.stringify(report, null, 2)}\n`);
};
try {
  const neon = await neonCutScenario(environment, {
    requests,
    concurrency,
    faultMs: Number(values["neon-cut-seconds"]) * 1000,
    log,
  });
  print(`Neon link cut for ${values["neon-cut-seconds"]} s`, neon);
  checks.push(
    [
      neon.statuses["200"] === neon.requests,
      `Neon cut: all ${neon.requests} requests served (${JSON.stringify(neon.statuses)})`,
    ],
    [neon.queuedAtRestore > 0, `Neon cut: the drain kept ${neon.queuedAtRestore} records queued during the cut`],
    [
      neon.usageRows === neon.requests && neon.logRows === neon.requests,
      `Neon cut: usage rows ${neon.usageRows} = requests ${neon.requests}`,
    ],
    [neon.duplicates === 0 && neon.queuedAtEnd === 0, `Neon cut: no duplicate, nothing left queued`],
  );
  const upstash = await upstashDownScenario(environment, {
    requests,
    concurrency,
    faultMs: Number(values["upstash-down-seconds"]) * 1000,
    log,
  });
  print(`Upstash unreachable for ${values["upstash-down-seconds"]} s`, upstash);
  const served = upstash.statuses["200"] ?? 0;
  const refused = upstash.statuses["503"] ?? 0;
  checks.push(
    [
      served + refused === upstash.requests && refused > 0,
      `Upstash down: ${served} served, ${refused} refused with 503, nothing else`,
    ],
    [upstash.retryAfter503 === refused, `Upstash down: every 503 carries Retry-After`],
    [
      (upstash.events["usage-written-directly"] ?? 0) > 0,
      `Upstash down: ${upstash.events["usage-written-directly"] ?? 0} usage records written directly to Postgres`,
    ],
    [upstash.usageRows === served, `Upstash down: usage rows ${upstash.usageRows} = admitted requests ${served}`],
    [upstash.duplicates === 0 && upstash.queuedAtEnd === 0, `Upstash down: no duplicate, nothing left queued`],
  );
} finally {
  await environment.close();
}
for (const [passed, text] of checks) process.stdout.write(`${passed ? "PASS" : "FAIL"} ${text}\n`);
process.exit(checks.every(([passed]) => passed) ? 0 : 1);
