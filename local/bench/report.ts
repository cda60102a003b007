/**
 * Turns measured phases into the printed tables, the PASS/FAIL lines of the targets, and the JSON written to
 * .local-data/bench-results.json.
 */
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
  /** Cache hits, or undefined when the gateway never answered HIT. */
  cacheHits: PhaseResult | undefined;
}

const milliseconds = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** Evaluates the targets on the phases measured in this run. */
export function evaluateTargets(inputs: TargetInputs): TargetOutcome[] {
  const outcomes: TargetOutcome[] = [];
  const check = (target: string, value: number, passes: boolean, measured: string): void => {
    outcomes.push({ target, status: Number.isFinite(value) && passes ? "PASS" : "FAIL", measured });
  };
  const baseline = inputs.baseline;
  if (baseline) {
    check("added latency p50 <= 1 ms (c=1, small, non-streamed)", baseline.added.p50, baseline.added.p50 <= 1, `${milliseconds(baseline.added.p50)} ms`);
    check("added latency p99 <= 3 ms (c=1, small, non-streamed)", baseline.added.p99, baseline.added.p99 <= 3, `${milliseconds(baseline.added.p99)} ms`);
  }
  if (inputs.cacheHits) {
    const hit = inputs.cacheHits.gateway.latency.p50;
    const upstream = inputs.cacheHits.direct.latency.p50;
    check("cache hit p50 < direct upstream call p50", hit, hit < upstream, `hit ${milliseconds(hit)} ms vs direct ${milliseconds(upstream)} ms`);
  } else {
    outcomes.push({ target: "cache hit p50 < direct upstream call p50", status: "SKIP", measured: "cache: not available (no x-omnizen-cache: HIT)" });
  }
  if (baseline) {
    const cpu = baseline.workerdCpuMsPerRequest;
    check("worker CPU per non-streamed request <= 1 ms (c=1, small)", cpu, cpu <= 1, `${milliseconds(cpu)} ms`);
  }
  return outcomes;
}

function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
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
  return renderTable(["phase (ms; streams: first byte)", "n", "gw p50", "gw p99", "direct p50", "direct p99", "added p50", "added p90", "added p99", "errors"], rows);
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
    ["phase", "gw req/s", "direct req/s", "workerd CPU ms/gw req", "node CPU ms/gw req", "node CPU ms/direct req", "cache HIT", "upstash calls/gw req", "pg conns/gw req", "worker log lines"],
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
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, roundForJson(entry)]));
  return value;
}
