/**
 * Turns measured phases into the printed tables, the PASS/FAIL lines of the targets, and the JSON written to
 * .local-data/bench-results.json.
 */
import type { IsolateTimeResult } from "./measure-isolate-time.ts";
import type { PhaseResult } from "./measure-phase.ts";

/** The outcome of one target. */
export interface TargetOutcome {
  target: string;
  status: "PASS" | "FAIL" | "SKIP";
  measured: string;
}

/** Inputs of {@link evaluateTargets}. */
export interface TargetInputs {
  /** Small, non-streamed, concurrency 1, unique prompts. */
  baseline: PhaseResult | undefined;
  /** The same-I/O floor worker against the direct path (plain workerd only). */
  ioFloor: PhaseResult | undefined;
  /** Cache hits against a zero-latency simulator, or undefined when the gateway never answered HIT. */
  cacheHits: PhaseResult | undefined;
  /** Cache hits against the simulator answering with a model's latency. */
  cacheHitsVsModel: PhaseResult | undefined;
  /** Isolate time per request from the async trace (plain workerd only). */
  isolateTime: IsolateTimeResult | undefined;
}

const milliseconds = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** Evaluates the targets (docs/benchmarks/README.md) on the phases measured in this run. */
export function evaluateTargets(inputs: TargetInputs): TargetOutcome[] {
  const outcomes: TargetOutcome[] = [];
  const check = (target: string, value: number, passes: boolean, measured: string): void => {
    outcomes.push({ target, status: Number.isFinite(value) && passes ? "PASS" : "FAIL", measured });
  };
  const { baseline, ioFloor } = inputs;
  if (baseline) {
    for (const [percentile, limit] of [
      ["p50", 1],
      ["p99", 3],
    ] as const) {
      const added = baseline.added[percentile];
      const floor = ioFloor ? ioFloor.added[percentile] : Number.NaN;
      const split = ioFloor
        ? `; the same-I/O floor worker adds ${milliseconds(floor)} ms, omnizen's code ${milliseconds(added - floor)} ms`
        : "";
      check(
        `added latency ${percentile} <= ${limit} ms (c=1, small, non-streamed)`,
        added,
        added <= limit,
        `${milliseconds(added)} ms${split}`,
      );
    }
  }
  const cacheTarget = "cache hit p50 < direct upstream call p50";
  const upstream = inputs.cacheHitsVsModel ?? inputs.cacheHits;
  if (upstream) {
    const hit = upstream.gateway.latency.p50;
    const direct = upstream.direct.latency.p50;
    const model = upstream.spec.upstreamStallMs
      ? `an upstream answering in ${upstream.spec.upstreamStallMs} ms`
      : "a zero-latency simulator";
    const zero =
      inputs.cacheHitsVsModel && inputs.cacheHits
        ? `; against the zero-latency simulator: hit ${milliseconds(inputs.cacheHits.gateway.latency.p50)} ms vs direct ${milliseconds(inputs.cacheHits.direct.latency.p50)} ms`
        : "";
    check(
      `${cacheTarget} (${model})`,
      hit,
      hit < direct,
      `hit ${milliseconds(hit)} ms vs direct ${milliseconds(direct)} ms${zero}`,
    );
  } else {
    outcomes.push({ target: cacheTarget, status: "SKIP", measured: "cache: not available (no x-omnizen-cache: HIT)" });
  }
  const processCpu = baseline
    ? `workerd process CPU incl. its network stack ${milliseconds(baseline.workerdCpuMsPerRequest, 3)} ms/request${ioFloor ? ` (floor worker ${milliseconds(ioFloor.workerdCpuMsPerRequest, 3)})` : ""}`
    : "";
  if (inputs.isolateTime) {
    const { gateway, ioFloor: floorTime } = inputs.isolateTime;
    check(
      "worker CPU per non-streamed request <= 1 ms (isolate time, c=1, small)",
      gateway.mean,
      gateway.mean <= 1,
      `mean ${milliseconds(gateway.mean, 3)} ms (p50 ${milliseconds(gateway.p50, 3)}, p99 ${milliseconds(gateway.p99, 3)}); floor worker ${milliseconds(floorTime.mean, 3)} ms; ${processCpu}`,
    );
  } else if (baseline) {
    const cpu = baseline.workerdCpuMsPerRequest;
    check(
      "worker CPU per non-streamed request <= 1 ms (workerd process CPU, c=1, small)",
      cpu,
      cpu <= 1,
      `${milliseconds(cpu, 3)} ms (no isolate-time trace on this runtime)`,
    );
  }
  return outcomes;
}

/** A table with the first column left-aligned and the others right-aligned. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

/** Latency table: per phase, gateway and direct percentiles and what the gateway adds (all in ms). */
export function latencyTable(phases: PhaseResult[]): string {
  const rows = phases.map((phase) => {
    const streamed = phase.spec.stream;
    const gateway = streamed ? phase.gateway.firstByte : phase.gateway.latency;
    const direct = streamed ? phase.direct.firstByte : phase.direct.latency;
    const added = streamed ? phase.addedFirstByte : phase.added;
    return [
      phase.spec.label,
      String(phase.gateway.latency.count),
      milliseconds(gateway.p50),
      milliseconds(gateway.p99),
      milliseconds(direct.p50),
      milliseconds(direct.p99),
      milliseconds(added.p50),
      milliseconds(added.p90),
      milliseconds(added.p99),
      String(phase.gateway.errors + phase.direct.errors),
    ];
  });
  return renderTable(
    [
      "phase (ms; streams: first byte)",
      "n",
      "gw p50",
      "gw p99",
      "direct p50",
      "direct p99",
      "added p50",
      "added p90",
      "added p99",
      "errors",
    ],
    rows,
  );
}

/** Throughput and CPU table: requests/s per path, workerd CPU per gateway request, Node CPU per request per path. */
export function throughputTable(phases: PhaseResult[]): string {
  const rows = phases.map((phase) => [
    phase.spec.label,
    phase.gateway.requestsPerSecond.toFixed(0),
    phase.direct.requestsPerSecond.toFixed(0),
    milliseconds(phase.workerdCpuMsPerRequest, 3),
    milliseconds(phase.gateway.nodeCpuMsPerRequest, 3),
    milliseconds(phase.direct.nodeCpuMsPerRequest, 3),
    phase.gateway.cacheHits > 0 ? `${phase.gateway.cacheHits}/${phase.gateway.latency.count}` : "-",
    milliseconds(phase.upstashCallsPerRequest),
    milliseconds(phase.postgresConnectionsPerRequest),
    String(Object.values(phase.workerLogEvents).reduce((sum, count) => sum + count, 0)),
  ]);
  return renderTable(
    [
      "phase",
      "gw req/s",
      "direct req/s",
      "workerd CPU ms/gw req",
      "node CPU ms/gw req",
      "node CPU ms/direct req",
      "cache HIT",
      "upstash calls/gw req",
      "pg conns/gw req",
      "worker log lines",
    ],
    rows,
  );
}

/** The PASS/FAIL/SKIP lines. */
export function targetLines(outcomes: TargetOutcome[]): string {
  return outcomes.map((outcome) => `${outcome.status.padEnd(4)}  ${outcome.target}: ${outcome.measured}`).join("\n");
}

/** Rounds every number in a JSON value to 3 decimals and turns NaN into null, for a readable results file. */
export function roundForJson(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null;
  if (Array.isArray(value)) return value.map(roundForJson);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, roundForJson(entry)]));
  return value;
}
