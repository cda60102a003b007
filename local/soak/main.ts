/**
 * `npm run soak [-- --quick] [--rate=50] [--minutes=5] [--window-seconds=30] [--memory-bound-mib=32] [--target=floor]`:
 * a fixed arrival rate (open loop: requests are sent on schedule whether or not earlier ones have answered) through the
 * bundled gateway on plain workerd, mixing streamed and plain answers over five models and both surfaces
 * (../load/request-mix.ts). The usage cron runs every 60 s, as in production. Prints per window the requests,
 * errors, latency p50/p99, in-flight peak, workerd RSS and CPU; then drains the usage queue and counts the rows.
 * Exits 1 when any request failed, when usage rows != requests, or when workerd's RSS grew by more than the bound
 * (default 32 MiB) from the end of the warm-up (default the first 60 s) to the last window. Writes
 * .local-data/soak-results.json.
 *
 * `--target=floor` sends the same arrival rate to the same-I/O floor worker (../bench/io-floor-worker.js) on the same
 * workerd build instead: the baseline that says whether workerd's RSS growth is the gateway's or workerd's own. It
 * runs no cron and checks no usage rows (the floor bills nothing); writes .local-data/soak-results-floor.json.
 *
 * Its own data: Postgres database OMNIZEN_SOAK_DATABASE (default omnizen_soak) on the local server, and Redis
 * database OMNIZEN_SOAK_REDIS_DB (default 14) on REDIS_URL's server. A DATABASE_URL in the environment is refused.
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { REPOSITORY_ROOT } from "../bench/bench-environment.ts";
import { countLogEvents } from "../bench/gateway-runtime.ts";
import { BenchClient, isFailure } from "../bench/http-client.ts";
import { processCpuMs, processMemoryKib } from "../bench/process-usage.ts";
import { redisDatabaseUrl, startLoadEnvironment } from "../load/load-environment.ts";
import { mixedRequest } from "../load/request-mix.ts";
import { floorRequest } from "./floor-request.ts";
import { connectHeapReader, freePort } from "./inspector-heap.ts";
import { memoryVerdict, soakWindows, type HeapReading, type ProcessReading, type SoakSample } from "./soak-stats.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rate: { type: "string", default: "50" },
    minutes: { type: "string" },
    "window-seconds": { type: "string", default: "30" },
    "memory-bound-mib": { type: "string", default: "32" },
    "warm-up-seconds": { type: "string", default: "60" },
    target: { type: "string", default: "gateway" },
  },
});
const rate = Number(values.rate);
const durationMs = (values.minutes !== undefined ? Number(values.minutes) * 60 : values.quick ? 30 : 300) * 1000;
const windowMs = Number(values["window-seconds"]) * 1000;
const memoryBoundMib = Number(values["memory-bound-mib"]);
const warmUpSeconds = Number(values["warm-up-seconds"]);
const CRON_INTERVAL_MS = 60_000;
const READING_INTERVAL_MS = 1_000;
const target = values.target;
if (target !== "gateway" && target !== "floor")
  throw new Error(`--target must be gateway or floor, not ${String(target)}`);
const floor = target === "floor";

const log = (line: string) => process.stderr.write(`[soak] ${line}\n`);

if (process.env.DATABASE_URL) {
  log(
    "DATABASE_URL is set: refusing it (it may name a real database). The soak uses its own database on the local Postgres.",
  );
}
let stackStarting = true;
const inspectorPort = await freePort();
const environment = await startLoadEnvironment({
  workerdArguments: [`--inspector-addr=127.0.0.1:${inspectorPort}`],
  database: process.env.OMNIZEN_SOAK_DATABASE ?? "omnizen_soak",
  redisUrl: redisDatabaseUrl(
    process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    Number(process.env.OMNIZEN_SOAK_REDIS_DB ?? 14),
  ),
  name: floor ? "soak-floor" : "soak",
  log: (line) => {
    if (stackStarting) log(line);
  },
});
stackStarting = false;
// Ctrl-C or a kill stops workerd and the stack too, instead of leaving workerd running.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void environment.close().finally(() => process.exit(130)));
}
const pid = environment.gateway.workerdPid;
if (pid === undefined) throw new Error("the workerd process was not found; memory cannot be read");

// A connection per request, as clients behind Cloudflare's edge look to a worker: a pooled idle connection that
// workerd closes just as a request is written would count as an error of the gateway.
const client = new BenchClient({ maxSockets: 512, timeoutMs: 60_000, keepAlive: false });
const samples: SoakSample[] = [];
const readings: ProcessReading[] = [];
const heapReadings: HeapReading[] = [];
const floorUrl = environment.gateway.ioFloorUrl;
if (floor && floorUrl === undefined) throw new Error("the runtime serves no floor worker");
const heap = await connectHeapReader(inspectorPort, floor ? "io-floor" : "gateway");
const failures: Record<string, number> = {};
const runTag = `soak-${Date.now()}`;
let inFlight = 0;
let sent = 0;
/** More requests than this waiting means the gateway (or this machine) cannot keep up: stop sending, and fail. */
const overloadedAt = Math.max(1_000, rate * 20);
let overloaded = false;

log(
  `target ${target}: arrival rate ${rate} req/s for ${durationMs / 1000} s (${Math.round((rate * durationMs) / 1000)} requests), windows of ${windowMs / 1000} s`,
);
const started = performance.now();
const now = () => performance.now() - started;
const readProcess = () =>
  readings.push({ at: now(), rssKib: processMemoryKib(pid).currentKib, cpuMs: processCpuMs(pid) });
readProcess();
const readingTimer = setInterval(readProcess, READING_INTERVAL_MS);
// The live heap, once per window, just before the window ends.
const heapTimer = setInterval(() => {
  const at = now();
  void heap.liveHeapMib().then(
    (usage) => heapReadings.push({ at, ...usage }),
    () => log("reading the heap failed"),
  );
}, windowMs - 1_000);
const cronTimer = setInterval(() => {
  if (!floor) void environment.runCron().catch(() => log("a cron run failed"));
}, CRON_INTERVAL_MS);
const pending: Array<Promise<void>> = [];
const total = Math.round((rate * durationMs) / 1000);
for (let index = 0; index < total; index += 1) {
  const due = (index * 1000) / rate;
  const wait = due - now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  if (inFlight > overloadedAt) {
    overloaded = true;
    log(
      `${inFlight} requests in flight: the gateway does not keep up with ${rate} req/s on this machine; stopping the load`,
    );
    break;
  }
  const sentAt = now();
  sent += 1;
  inFlight += 1;
  pending.push(
    client
      .send(
        floor && floorUrl
          ? floorRequest(floorUrl, runTag, index)
          : mixedRequest(environment.gateway.url, environment.apiKey, runTag, index).prepared,
      )
      .then((outcome) => {
        inFlight -= 1;
        const ok = !isFailure(outcome) && outcome.status === 200;
        if (!ok) {
          const key = isFailure(outcome) ? outcome.error : `HTTP ${outcome.status}`;
          failures[key] = (failures[key] ?? 0) + 1;
        }
        samples.push({ sentAt, latencyMs: outcome.totalMs, ok });
      }),
  );
  if (index % (rate * 10) === 0 && index > 0)
    log(`${Math.round(sentAt / 1000)} s: ${sent} sent, ${inFlight} in flight`);
}
await Promise.all(pending);
clearInterval(readingTimer);
clearInterval(heapTimer);
heapReadings.push({ at: now() - 1, ...(await heap.liveHeapMib()) });
heap.close();
clearInterval(cronTimer);
readProcess();
client.close();

if (!floor) {
  log("load done; running the usage cron until the queue is empty");
  await environment.drainAll(120_000);
}
// The floor bills nothing: its check is that no row appeared.
const rows = await environment.countRows();
const queuedAtEnd = await environment.queuedRecords();
const expectedRows = floor ? 0 : sent;
const windows = soakWindows(samples, readings, windowMs, Math.min(durationMs, now()), heapReadings);
const memory = memoryVerdict(windows, memoryBoundMib, warmUpSeconds);
const errors = samples.filter((sample) => !sample.ok).length;
const events = countLogEvents(environment.gateway.loggedLines());
await environment.close();

const format = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const lines = [
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  `target ${target}: arrival rate ${rate} req/s, ${durationMs / 1000} s, ${sent} requests`,
  "",
  "| window (s) | requests | errors | p50 (ms) | p99 (ms) | workerd RSS (MiB) | live JS heap after GC (MiB) | committed JS heap (MiB) | workerd CPU (% of a core) |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...windows.map(
    (window) =>
      `| ${window.fromSeconds}–${window.fromSeconds + windowMs / 1000} | ${window.requests} | ${window.errors} | ${format(window.p50Ms)} | ${format(window.p99Ms)} | ${format(window.rssMib)} | ${format(window.heapMib)} | ${format(window.heapCommittedMib)} | ${format(window.cpuPercent, 0)} |`,
  ),
  "",
  `errors: ${errors}${errors ? ` (${JSON.stringify(failures)})` : ""}`,
  `worker log events: ${JSON.stringify(events)}`,
  `usage rows: ${rows.usage} for ${sent} requests (request_logs rows ${rows.logs}, duplicate request ids ${rows.duplicates}, records still queued ${queuedAtEnd})`,
  `workerd RSS: ${format(memory.warmMib)} MiB after the ${warmUpSeconds} s warm-up, ${format(memory.lastMib)} MiB at the end (growth ${format(memory.lastMib - memory.warmMib)} MiB, bound ${memoryBoundMib} MiB); slope from the warm-up on ${format(memory.slopeMibPerMinute, 2)} MiB/min`,
];
process.stdout.write(`${lines.join("\n")}\n`);
writeFileSync(
  `${REPOSITORY_ROOT}.local-data/soak-results${floor ? "-floor" : ""}.json`,
  JSON.stringify(
    { target, rate, durationMs, sent, errors, failures, events, rows, queuedAtEnd, windows, memory },
    null,
    2,
  ),
);

const verdicts = [
  [!overloaded, `kept up with the arrival rate (fewer than ${overloadedAt} requests in flight)`],
  [errors === 0, `errors ${errors} (must be 0)`],
  [
    rows.usage === expectedRows && rows.duplicates === 0 && queuedAtEnd === 0,
    `usage rows ${rows.usage} = ${floor ? "0 (the floor bills nothing)" : `requests ${sent}`}`,
  ],
  [
    memory.flat,
    `workerd RSS growth after the warm-up ${format(memory.lastMib - memory.warmMib)} MiB <= ${memoryBoundMib} MiB`,
  ],
] as const;
for (const [passed, text] of verdicts) process.stdout.write(`${passed ? "PASS" : "FAIL"} ${text}\n`);
process.exit(verdicts.every(([passed]) => passed) ? 0 : 1);
