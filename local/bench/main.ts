/**
 * `npm run bench [-- --quick]`: measures what the gateway adds over calling the provider simulator directly, with the
 * gateway in workerd (Miniflare, no `wrangler dev` proxy) against the local stack, both paths interleaved in one run
 * over the same keep-alive HTTP client. Prints tables and PASS/FAIL lines on stdout, progress on stderr, and writes
 * .local-data/bench-results.json. Exits 0 even when a target fails: it is a measurement, not a test.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { startBenchEnvironment, REPOSITORY_ROOT, type BenchEnvironment } from "./bench-environment.ts";
import { coldStartLine, coldStartTargets, measureColdStartIn, type ColdStartResult } from "./cold-start.ts";
import { countLogEvents } from "./gateway-runtime.ts";
import { BenchClient, isFailure } from "./http-client.ts";
import { measurePhase, type PhaseContext, type PhaseResult } from "./measure-phase.ts";
import { measureIsolateTime, type IsolateTimeResult } from "./measure-isolate-time.ts";
import {
  BASELINE_PHASE_ID,
  CACHE_PHASE_ID,
  CACHE_VS_MODEL_PHASE_ID,
  cachePhases,
  floorPhase,
  IO_FLOOR_PHASE_ID,
  ioFloorPhase,
  missPhases,
} from "./plan.ts";
import { processMemoryKib } from "./process-usage.ts";
import { switchAccountPromptCache, type CacheSwitchContext } from "./account-cache-switch.ts";
import { cronRunner } from "./cron-run.ts";
import { applyGeoProfile, takeGeoArgument, type GeoBenchProfile } from "./geo.ts";
import { measureGeoProfiles, type GeoProfileResult } from "./geo-measure.ts";
import { geoTable, geoTargets, GLOBAL_READ_REGIONS, WARM_REQUEST_DEFINITION } from "./geo-report.ts";
import { evaluateTargets, latencyTable, roundForJson, targetLines, throughputTable } from "./report.ts";
import { chatRequest, ioFloorRequest } from "./request-bodies.ts";
import { readStandInCounters } from "./stand-in-counters.ts";
import { measureStreams, streamsTable, type StreamsResult } from "./streams-phase.ts";

// Miniflare and wrangler run offline: no metrics, no error reports, no request.cf fetch.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.WRANGLER_SEND_ERROR_REPORTS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const RESULTS_FILE = `${REPOSITORY_ROOT}.local-data/bench-results.json`;
const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/**
 * The stack's own log: printed while it starts, then only counted, because the stand-ins log a line per request
 * and printing thousands of them would cost the measured Node process CPU and bury the progress lines.
 */
let stackStarting = true;
let stackLinesDropped = 0;
const stackLog = (line: string): void => {
  if (stackStarting) log(line);
  else stackLinesDropped += 1;
};

/** Checks one request through each path answers 200, so a broken setup fails fast with a readable reason. */
async function checkBothPaths(context: PhaseContext): Promise<void> {
  for (const path of ["gateway", "direct"] as const) {
    const result = await context.client.send(
      chatRequest(path, { size: "small", stream: false, promptTag: `${context.runTag} check` }, context.targets),
    );
    if (isFailure(result)) throw new Error(`the ${path} path failed before answering: ${result.error}`);
    if (result.status !== 200)
      throw new Error(`the ${path} path answered ${result.status} (${result.bodyBytes} bytes); expected 200`);
  }
}

/**
 * Warms the isolate up before the first phase: V8's tiers compile the hot path and the young generation settles to
 * its steady-state size, so the phases measure a long-running isolate (as production's are) rather than the first
 * second of a fresh one, whose early garbage collections are several times slower. Unique prompts (cache misses).
 */
async function warmUpIsolate(context: PhaseContext, requests: number): Promise<void> {
  const started = performance.now();
  for (let index = 0; index < requests; index += 1) {
    const shape = { size: "small", stream: false, promptTag: `${context.runTag} isolate warm-up ${index}` } as const;
    const result = await context.client.send(chatRequest("gateway", shape, context.targets));
    if (isFailure(result) || result.status !== 200) throw new Error(`warm-up request ${index} failed`);
    if (context.targets.ioFloorUrl) await context.client.send(ioFloorRequest(shape, context.targets));
  }
  log(`isolate warm-up: ${requests} gateway requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Sends one fixed prompt twice through the gateway; true when the second answer says `x-omnizen-cache: HIT`. */
async function gatewayCacheAnswersHit(context: PhaseContext): Promise<boolean> {
  const prepare = () =>
    chatRequest("gateway", { size: "small", stream: false, promptTag: `${context.runTag} fixed` }, context.targets);
  await context.client.send(prepare());
  await new Promise((resolve) => setTimeout(resolve, 200)); // a cache written in waitUntil needs a moment
  const second = await context.client.send(prepare());
  return !isFailure(second) && second.cacheHeader?.toUpperCase() === "HIT";
}

/**
 * The bench account's prompt cache is a setting kept in the bench database: a run stopped during the geo cache-off
 * phases (a signal skips their clean-up) leaves it off, and every later run would then find no cache. Without a
 * HIT, turn it on as the dashboard does; true when the gateway then answers HIT.
 */
async function turnBenchAccountCacheOn(cacheSwitch: CacheSwitchContext): Promise<boolean> {
  try {
    await switchAccountPromptCache(cacheSwitch, true);
    log("cache: no HIT at first; the bench account's prompt cache was off and is on again");
    return true;
  } catch {
    return false;
  }
}

/** `--cold-start`: only the cold-start section (local/bench/cold-start.ts), printed and written to the results. */
async function runColdStartOnly(environment: BenchEnvironment, quick: boolean): Promise<void> {
  const coldStart = await measureColdStartIn(environment, { runTag: randomBytes(6).toString("hex"), quick, log });
  process.stdout.write(`\n${coldStartLine(coldStart)}\n\n${targetLines(coldStartTargets(coldStart))}\n`);
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(roundForJson({ measuredAt: new Date().toISOString(), coldStart }), null, 2)}\n`,
  );
}

/** `--streams`: only the streams scenario (streams-phase.ts), after the isolate warm-up. */
async function runStreamsOnly(environment: BenchEnvironment, quick: boolean): Promise<void> {
  const client = new BenchClient({ maxSockets: 128, timeoutMs: 30_000 });
  const context = phaseContext(environment, client);
  try {
    await checkBothPaths(context);
    await warmUpIsolate(context, 300);
    const streams = await runStreams(environment, context, quick);
    process.stdout.write(`\n${streamsTable(streams)}\n`);
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(roundForJson({ measuredAt: new Date().toISOString(), mode: "streams", streams }), null, 2)}\n`,
    );
    log(`wrote ${RESULTS_FILE}`);
  } finally {
    client.close();
  }
}

function runStreams(environment: BenchEnvironment, context: PhaseContext, quick: boolean): Promise<StreamsResult> {
  log("streams: 32 concurrent streams of 50 chunks through the simulator, the gateway and Portkey");
  return measureStreams({
    client: context.client,
    targets: context.targets,
    gatewayPid: environment.gateway.workerdPid,
    runTag: context.runTag,
    quick,
    log,
  });
}

function phaseContext(environment: BenchEnvironment, client: BenchClient): PhaseContext {
  return {
    client,
    targets: {
      gatewayUrl: environment.gateway.url,
      simulatorUrl: environment.stack.simulatorUrl,
      apiKey: environment.apiKey,
      ...(environment.gateway.ioFloorUrl ? { ioFloorUrl: environment.gateway.ioFloorUrl } : {}),
    },
    workerdPid: environment.gateway.workerdPid,
    workerLogLines: environment.gateway.loggedLines,
    readCounters: () =>
      readStandInCounters({
        upstashUrl: environment.stack.upstashUrl,
        upstashToken: environment.stack.workerBindings.UPSTASH_REDIS_REST_TOKEN ?? "",
        neonBridge: environment.stack.workerBindings.NEON_WS_PROXY,
      }),
    runTag: randomBytes(6).toString("hex"),
    log,
  };
}

async function runBenchmark(
  environment: BenchEnvironment,
  quick: boolean,
  geoProfiles: GeoBenchProfile[] | undefined,
): Promise<void> {
  const runStarted = performance.now();
  const client = new BenchClient({ maxSockets: 128, timeoutMs: 30_000 });
  const context = phaseContext(environment, client);
  try {
    await checkBothPaths(context);
    await warmUpIsolate(context, quick ? 300 : 2000);
    const phases: PhaseResult[] = [await measurePhase(floorPhase(quick), context)];
    if (environment.gateway.ioFloorUrl) phases.push(await measurePhase(ioFloorPhase(quick), context));
    for (const spec of missPhases(quick)) phases.push(await measurePhase(spec, context));
    const cacheSwitch: CacheSwitchContext = {
      client,
      targets: context.targets,
      signingKeyPem: environment.stack.workerBindings.DEV_SIGNING_KEY ?? "",
      runTag: context.runTag,
    };
    let cacheAvailable = await gatewayCacheAnswersHit(context);
    if (!cacheAvailable) cacheAvailable = await turnBenchAccountCacheOn(cacheSwitch);
    log(
      cacheAvailable
        ? "cache: the gateway answered x-omnizen-cache: HIT; measuring hits"
        : "cache: not available (no x-omnizen-cache: HIT); skipping the cache phases",
    );
    if (cacheAvailable) for (const spec of cachePhases(quick)) phases.push(await measurePhase(spec, context));
    const cacheResult = phases.find((phase) => phase.spec.id === CACHE_PHASE_ID);
    const phaseById = (id: string) => phases.find((phase) => phase.spec.id === id);

    let isolateTime: IsolateTimeResult | undefined;
    if (environment.gateway.entry === "workerd") {
      log("isolate time: a second workerd with --async-trace, gateway and floor worker alternating");
      isolateTime = await measureIsolateTime({
        environment,
        client,
        runTag: context.runTag,
        requests: quick ? 100 : 400,
        warmup: 50,
        tracePath: `${REPOSITORY_ROOT}.local-data/bench-async-trace.jsonl`,
        log,
      });
    }

    let geoResults: GeoProfileResult[] | undefined;
    if (geoProfiles) {
      const endpoints = {
        upstashUrl: environment.stack.upstashUrl,
        upstashToken: environment.stack.workerBindings.UPSTASH_REDIS_REST_TOKEN ?? "",
        neonBridge: environment.stack.workerBindings.NEON_WS_PROXY,
      };
      geoResults = await measureGeoProfiles(context, (profile) => applyGeoProfile(endpoints, profile), geoProfiles, {
        quick,
        cacheAvailable,
        warmup: (requests) => warmUpIsolate(context, requests),
        ...(environment.gateway.cronTriggerUrl
          ? { runCron: cronRunner(environment.gateway.cronTriggerUrl, environment.gateway.loggedLines) }
          : {}),
        switchCache: async (enabled) => {
          const tries = await switchAccountPromptCache(cacheSwitch, enabled);
          log(`geo: the account's prompt cache is ${enabled ? "on" : "off"} (seen after ${tries} tries)`);
        },
      });
    }
    const streams = environment.gateway.entry === "workerd" ? await runStreams(environment, context, quick) : undefined;
    let coldStart: ColdStartResult | undefined;
    if (environment.gateway.entry === "workerd") {
      log("cold start: fresh workerd per sample, script load and first request");
      coldStart = await measureColdStartIn(environment, { runTag: context.runTag, quick, log });
    }

    const workerdMemory =
      environment.gateway.workerdPid === undefined ? undefined : processMemoryKib(environment.gateway.workerdPid);
    const nodeMemory = processMemoryKib(process.pid);
    const targets = evaluateTargets({
      baseline: phaseById(BASELINE_PHASE_ID),
      ioFloor: phaseById(IO_FLOOR_PHASE_ID),
      cacheHits: cacheResult,
      cacheHitsVsModel: phaseById(CACHE_VS_MODEL_PHASE_ID),
      isolateTime,
    });
    if (coldStart) targets.push(...coldStartTargets(coldStart));
    const logEvents = countLogEvents(environment.gateway.loggedLines());
    const logSummary =
      Object.entries(logEvents)
        .map(([event, count]) => `${event} ×${count}`)
        .join(", ") || "none";
    const runSeconds = (performance.now() - runStarted) / 1000;

    const mib = (kib: number | undefined): string =>
      kib !== undefined && Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : "n/a";
    const output = [
      "",
      `omnizen bench (${quick ? "quick" : "full"}): gateway in workerd vs direct to the provider simulator, interleaved; ${cpus().length} CPUs, Node ${process.version}`,
      `gateway via ${environment.gateway.entry}; postgres ${environment.stack.postgresKind}; upstash stand-in backend ${environment.stack.upstashBackend}; bundle ${(environment.gateway.bundleBytes / 1024).toFixed(0)} KiB`,
      "",
      latencyTable(phases),
      "",
      throughputTable(phases),
      "",
      isolateTime
        ? `isolate time per request (async trace, ${isolateTime.requestsPerWorker} each, ms): gateway mean ${isolateTime.gateway.mean.toFixed(3)} p50 ${isolateTime.gateway.p50.toFixed(3)} p99 ${isolateTime.gateway.p99.toFixed(3)}; same-I/O floor worker mean ${isolateTime.ioFloor.mean.toFixed(3)} p50 ${isolateTime.ioFloor.p50.toFixed(3)}`
        : "",
      streams ? streamsTable(streams) : "",
      coldStart ? coldStartLine(coldStart) : "",
      "",
      cacheResult ? "" : "cache: not available (the gateway never answered x-omnizen-cache: HIT)",
      `peak memory (VmHWM): workerd ${mib(workerdMemory?.peakKib)}, node (client, simulator, stand-ins) ${mib(nodeMemory.peakKib)}`,
      `worker log lines by event: ${logSummary}`,
      `measured in ${runSeconds.toFixed(1)} s`,
      "",
      targetLines(targets),
      "",
      ...(geoResults
        ? [
            "geo: the stand-ins model Upstash Global (Tokyo primary, nearest read region, lag) and the Tokyo Postgres",
            "(docs/geo.md); RTT primary/replica/Postgres and lag in ms; added = gateway minus direct, in ms",
            `(${WARM_REQUEST_DEFINITION}); upstash req/req = REST requests per gateway request on the primary/replica;`,
            `billed = commands Upstash bills per gateway request, background settlement included, on a regional database`,
            `and with ${GLOBAL_READ_REGIONS} read regions; drain = the every-minute usage drain, per record`,
            geoTable(geoResults),
            "",
            targetLines(geoTargets(geoResults)),
            "",
          ]
        : []),
    ].filter((line, index, lines) => !(line === "" && lines[index - 1] === ""));
    process.stdout.write(`${output.join("\n")}\n`);

    const results = {
      measuredAt: new Date().toISOString(),
      mode: quick ? "quick" : "full",
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
      stack: { postgres: environment.stack.postgresKind, upstashBackend: environment.stack.upstashBackend },
      gateway: {
        runtime: environment.gateway.entry === "workerd" ? "workerd" : "miniflare/workerd",
        entry: environment.gateway.entry,
        bundleBytes: environment.gateway.bundleBytes,
      },
      cache: cacheResult ? "available" : "not available",
      phases,
      isolateTime,
      streams,
      coldStart,
      memoryKib: { workerd: workerdMemory, node: nodeMemory },
      workerLogEvents: logEvents,
      runSeconds,
      targets,
      ...(geoResults ? { geo: geoResults } : {}),
    };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(roundForJson(results), null, 2)}\n`);
    log(`wrote ${RESULTS_FILE}`);
  } finally {
    client.close();
  }
}

/** Set by SIGINT/SIGTERM: closes the environment, then exits 130. */
let interruption: Promise<void> | undefined;

async function main(): Promise<void> {
  const argumentsGiven = process.argv.slice(2);
  if (argumentsGiven.includes("--help")) {
    process.stdout.write(
      [
        "usage: npm run bench -- [--quick] [--streams | --cold-start] [--miniflare | --miniflare-entry] [--geo <profiles>]",
        "  --streams          only the streams scenario: 32 concurrent streams of 50 chunks (gateway, direct, Portkey)",
        "  --quick            fewer requests per phase (~30 s instead of ~2-3 min)",
        "  --cold-start       only the cold-start section (fresh workerd per sample; docs/cold-start.md)",
        "  --miniflare        run the worker under Miniflare (direct socket; outbound fetch through its outbound worker)",
        "                     instead of plain workerd serve",
        "  --geo <profiles>   after the phases, under each distance profile (local first): cache miss and hit at c=1,",
        "                     steady load at c=8 with its usage drain, miss and steady with the account's cache off;",
        "                     local, dhaka, singapore, frankfurt, virginia, or all (docs/geo.md)",
        "  --miniflare-entry  as --miniflare, but reach the worker through Miniflare's entry worker (host/port)",
        "",
      ].join("\n"),
    );
    return;
  }
  const known = ["--quick", "--streams", "--cold-start", "--miniflare", "--miniflare-entry"];
  const { profiles: geoProfiles, rest } = takeGeoArgument(argumentsGiven);
  const unknown = rest.filter((argument) => !known.includes(argument));
  if (unknown.length) throw new Error(`unknown argument(s): ${unknown.join(" ")} (try --help)`);
  const quick = argumentsGiven.includes("--quick");
  const entry = argumentsGiven.includes("--miniflare-entry")
    ? "miniflare-entry"
    : argumentsGiven.includes("--miniflare")
      ? "direct-socket"
      : "workerd";

  const started = performance.now();
  const startup = startBenchEnvironment(entry, stackLog);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruption) return;
    log(`${signal}: stopping the gateway and the stack`);
    // During start-up, wait for it to finish so nothing it started is left behind.
    interruption = startup
      .then(
        (environment) => environment.close(),
        () => undefined,
      )
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const environment = await startup;
  if (interruption) return; // the signal handler closes it and exits
  stackStarting = false;
  log(
    `stack and gateway ready in ${((performance.now() - started) / 1000).toFixed(1)} s; the stack's per-request log lines are counted, not printed`,
  );
  try {
    if (argumentsGiven.includes("--streams")) await runStreamsOnly(environment, quick);
    else if (argumentsGiven.includes("--cold-start")) await runColdStartOnly(environment, quick);
    else await runBenchmark(environment, quick, geoProfiles);
  } finally {
    if (!interruption) await environment.close();
  }
  log(
    `done in ${((performance.now() - started) / 1000).toFixed(1)} s (${stackLinesDropped} stack log lines not printed)`,
  );
}

main().then(
  () => {
    if (!interruption) process.exit(0);
  },
  (error: unknown) => {
    if (interruption) return; // a request failing because the signal handler stopped the stack
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
