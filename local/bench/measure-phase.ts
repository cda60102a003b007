/**
 * One benchmark phase: a warm-up, then a measured interleaved run of both paths, with workerd's CPU read from /proc
 * before and after (once background work such as usage writes has settled), summarised into percentiles.
 */
import { countLogEvents } from "./gateway-runtime.ts";
import type { BenchClient, PreparedRequest } from "./http-client.ts";
import { errorCount, runInterleaved, sliceSizeFor, type PathObservations } from "./interleave.ts";
import { processCpuMs } from "./process-usage.ts";
import {
  chatRequest,
  healthRequest,
  ioFloorRequest,
  type BenchTargets,
  type BodySize,
  type RequestPath,
} from "./request-bodies.ts";
import { perRequest, upstashCountsBetween, type StandInCounters, type UpstashCounts } from "./stand-in-counters.ts";
import {
  addedLatency,
  requestsPerSecond,
  summarizeLatencies,
  type AddedLatency,
  type LatencySummary,
} from "./stats.ts";

/** What a phase sends. */
export interface PhaseSpec {
  /** Stable id used in the JSON, e.g. `small-c16`. */
  id: string;
  /** Human label, e.g. `small, c=16`. */
  label: string;
  /** `chat`: Chat Completions requests; `health`: `GET /healthz` on both (the workerd hop alone). */
  kind: "chat" | "health";
  size: BodySize;
  stream: boolean;
  /** `unique`: a counter in every prompt (cache misses); `fixed`: one prompt for every request (cache hits). */
  prompt: "unique" | "fixed";
  concurrency: number;
  requestsPerPath: number;
  warmupPerPath: number;
  /** `io-floor`: the "gateway" path goes to the same-I/O floor worker instead (see io-floor-worker.js). */
  gatewayTarget?: "gateway" | "io-floor";
  /** The simulator waits this long before answering every request of the phase (a real model's latency). */
  upstreamStallMs?: number;
}

/** What one path measured in a phase. */
export interface PathResult {
  /** Time to the last body byte. */
  latency: LatencySummary;
  /** Time to the first body byte (the streaming time-to-first-byte). */
  firstByte: LatencySummary;
  requestsPerSecond: number;
  errors: number;
  statusCounts: Record<string, number>;
  failureCounts: Record<string, number>;
  /** Responses whose `x-omnizen-cache` header said HIT. */
  cacheHits: number;
  /** This Node process's CPU during the path's slices, per request sent. */
  nodeCpuMsPerRequest: number;
}

/** A measured phase. */
export interface PhaseResult {
  spec: PhaseSpec;
  gateway: PathResult;
  direct: PathResult;
  /** Gateway minus direct, per percentile, of the time to the last byte. */
  added: AddedLatency;
  /** Gateway minus direct, per percentile, of the time to the first body byte. */
  addedFirstByte: AddedLatency;
  /** workerd CPU (user + system) from before the run until background work settled, per gateway request. */
  workerdCpuMsPerRequest: number;
  /** Wall time of the measured run, in milliseconds. */
  wallMs: number;
  /** Lines the worker logged during the measured run (until it settled), by event name. */
  workerLogEvents: Record<string, number>;
  /** Upstash stand-in REST requests per gateway request (NaN when the stand-in does not count them). */
  upstashCallsPerRequest: number;
  /** Postgres connections through the Neon bridge per gateway request (NaN when not counted). */
  postgresConnectionsPerRequest: number;
  /** Upstash commands as billed per gateway request (NaN unless a geo profile is on in the stand-in). */
  billedCommandsPerRequest: number;
  /** Upstash requests by region and commands by kind, per gateway request (NaN unless a geo profile is on). */
  upstash: UpstashCounts;
}

/** What every phase shares. */
export interface PhaseContext {
  client: BenchClient;
  targets: BenchTargets;
  workerdPid: number | undefined;
  /** Everything the worker has logged so far (level and message), oldest first. */
  workerLogLines: () => ReadonlyArray<{ level: string; message: string }>;
  /** Reads the stand-ins' counters (see stand-in-counters.ts). */
  readCounters: () => Promise<StandInCounters>;
  /** Unique per benchmark run, so prompts never repeat across runs (a persistent cache cannot answer them). */
  runTag: string;
  log: (line: string) => void;
  /**
   * Extra wait after workerd's CPU settles, before the counters are read: under a geo profile, background work
   * waits on the network, not the CPU, so the CPU can look settled while settlements are still in flight.
   */
  extraSettleMs?: number;
}

/**
 * Waits until workerd's CPU counter stops moving (two still 100 ms polls), at most `limitMs`, so background work
 * (`waitUntil`) of the requests just sent is counted. Resolves with the time waited.
 */
export async function waitForWorkerdToSettle(workerdPid: number | undefined, limitMs = 5000): Promise<number> {
  if (workerdPid === undefined) return 0;
  const started = performance.now();
  const deadline = started + limitMs;
  let previous = processCpuMs(workerdPid);
  let stillPolls = 0;
  while (stillPolls < 2 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = processCpuMs(workerdPid);
    stillPolls = current === previous ? stillPolls + 1 : 0;
    previous = current;
  }
  return performance.now() - started;
}

/** Waits `ms` (none for 0) and resolves with it. */
async function pause(ms: number): Promise<number> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

function summarizePath(observations: PathObservations): PathResult {
  return {
    latency: summarizeLatencies(observations.responses.map((response) => response.totalMs)),
    firstByte: summarizeLatencies(observations.responses.map((response) => response.firstByteMs)),
    requestsPerSecond: requestsPerSecond(observations.sent, observations.wallMs),
    errors: errorCount(observations),
    statusCounts: observations.statusCounts,
    failureCounts: observations.failureCounts,
    cacheHits: observations.responses.filter((response) => response.cacheHeader?.toUpperCase() === "HIT").length,
    nodeCpuMsPerRequest: observations.sent > 0 ? observations.nodeCpuMs / observations.sent : Number.NaN,
  };
}

/** The `index`-th request of `path` in one stage (warm-up or measured) of a phase. */
function prepareRequest(
  spec: PhaseSpec,
  context: PhaseContext,
  stage: string,
  path: RequestPath,
  index: number,
): PreparedRequest {
  if (spec.kind === "health") return healthRequest(path, context.targets);
  const promptTag =
    spec.prompt === "fixed"
      ? `${context.runTag} ${spec.id} fixed`
      : `${context.runTag} ${spec.id} ${stage} ${path} ${index}`;
  const shape = {
    size: spec.size,
    stream: spec.stream,
    promptTag,
    ...(spec.upstreamStallMs ? { upstreamStallMs: spec.upstreamStallMs } : {}),
  };
  if (path === "gateway" && spec.gatewayTarget === "io-floor") return ioFloorRequest(shape, context.targets);
  return chatRequest(path, shape, context.targets);
}

/** Runs the warm-up and the measured run of one phase. */
export async function measurePhase(spec: PhaseSpec, context: PhaseContext): Promise<PhaseResult> {
  const run = (stage: string, requestsPerPath: number) =>
    runInterleaved({
      client: context.client,
      concurrency: spec.concurrency,
      requestsPerPath,
      sliceSize: sliceSizeFor(spec.concurrency, requestsPerPath),
      prepare: (path, index) => prepareRequest(spec, context, stage, path, index),
    });

  const phaseStarted = performance.now();
  const warmup = await run("warmup", spec.warmupPerPath);
  const warmupErrors = errorCount(warmup.gateway) + errorCount(warmup.direct);
  let settleMs = await waitForWorkerdToSettle(context.workerdPid);
  settleMs += await pause(context.extraSettleMs ?? 0);

  const logLinesBefore = context.workerLogLines().length;
  const countersBefore = await context.readCounters();
  const cpuBefore = context.workerdPid === undefined ? Number.NaN : processCpuMs(context.workerdPid);
  const started = performance.now();
  const measured = await run("measured", spec.requestsPerPath);
  const wallMs = performance.now() - started;
  settleMs += await waitForWorkerdToSettle(context.workerdPid);
  settleMs += await pause(context.extraSettleMs ?? 0);
  const cpuAfter = context.workerdPid === undefined ? Number.NaN : processCpuMs(context.workerdPid);
  const countersAfter = await context.readCounters();

  const gateway = summarizePath(measured.gateway);
  const direct = summarizePath(measured.direct);
  context.log(
    `${spec.label}: warm-up ${spec.warmupPerPath}+${spec.warmupPerPath} (errors ${warmupErrors}), ` +
      `measured ${measured.gateway.sent}+${measured.direct.sent} in ${(wallMs / 1000).toFixed(1)} s ` +
      `(errors gateway ${gateway.errors}, direct ${direct.errors}; worker log lines ${context.workerLogLines().length - logLinesBefore}); ` +
      `phase ${((performance.now() - phaseStarted) / 1000).toFixed(1)} s incl. ${(settleMs / 1000).toFixed(1)} s waiting for workerd to settle`,
  );
  return {
    spec,
    gateway,
    direct,
    added: addedLatency(gateway.latency, direct.latency),
    addedFirstByte: addedLatency(gateway.firstByte, direct.firstByte),
    workerdCpuMsPerRequest: (cpuAfter - cpuBefore) / measured.gateway.sent,
    wallMs,
    workerLogEvents: countLogEvents(context.workerLogLines().slice(logLinesBefore)),
    upstashCallsPerRequest: perRequest(
      countersBefore.upstashRequests,
      countersAfter.upstashRequests,
      measured.gateway.sent,
    ),
    postgresConnectionsPerRequest: perRequest(
      countersBefore.postgresConnections,
      countersAfter.postgresConnections,
      measured.gateway.sent,
    ),
    billedCommandsPerRequest: perRequest(
      countersBefore.upstashBilledCommands,
      countersAfter.upstashBilledCommands,
      measured.gateway.sent,
    ),
    upstash: upstashCountsBetween(countersBefore, countersAfter, measured.gateway.sent),
  };
}
