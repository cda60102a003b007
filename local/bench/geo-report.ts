/**
 * The report of `npm run bench -- --geo`: one row per profile and phase with what the gateway adds over the direct
 * call, the gap to the same phase of the `local` profile, the Upstash REST requests per gateway request on the
 * primary and on the replica, and the commands Upstash bills per request on a regional database and on a global one
 * with three read regions; then the targets as PASS/FAIL lines. Every measured request is warm: sent after the
 * isolate's and the phase's warm-ups, with the one bench key this isolate has already seen.
 */
import type { GeoPhaseKind, GeoPhaseResult, GeoProfileResult } from "./geo-measure.ts";
import { renderTable, type TargetOutcome } from "./report.ts";
import { billedCommands, type UpstashCounts } from "./stand-in-counters.ts";

/** Read regions of the global database the "global" columns price (the far profiles' three nearest regions). */
export const GLOBAL_READ_REGIONS = 3;

/** The targets for a warm request under any profile (issue 14, "Done when"). */
export const GEO_TARGETS = {
  addedP50Ms: 2,
  gapToLocalMs: 1,
  billedPerWarmRequest: 4,
} as const;

/** How a warm request is defined in this report. */
export const WARM_REQUEST_DEFINITION =
  "warm = measured after the isolate's warm-up (20 requests per profile) and the phase's own warm-up, with the one " +
  "bench key, which this isolate has already seen";

const PHASE_NAMES: Record<GeoPhaseKind, string> = {
  miss: "miss c=1",
  hit: "hit c=1",
  steady: "steady c=8",
  "miss-cache-off": "miss c=1, cache off",
  "steady-cache-off": "steady c=8, cache off",
};

const fixed = (value: number | undefined, digits = 1): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "n/a";

/** Billed commands per request on a regional database and on a global one ({@link GLOBAL_READ_REGIONS}). */
export function billedPair(counts: UpstashCounts): { regional: number; global: number } {
  return { regional: billedCommands(counts, 0), global: billedCommands(counts, GLOBAL_READ_REGIONS) };
}

/** A steady phase's billed commands per request with its usage drain (per record) included; NaN without a drain. */
export function steadyBilledWithDrain(result: GeoPhaseResult): { regional: number; global: number } {
  const own = billedPair(result.phase.upstash);
  if (!result.drain) return { regional: Number.NaN, global: Number.NaN };
  const drain = billedPair(result.drain.perRecord);
  return { regional: own.regional + drain.regional, global: own.global + drain.global };
}

function localPhase(results: readonly GeoProfileResult[], kind: GeoPhaseKind): GeoPhaseResult | undefined {
  return results.find((result) => result.profile.name === "local")?.phases.find((phase) => phase.kind === kind);
}

/** The geo table (see the module comment); numbers in ms or per gateway request. */
export function geoTable(results: readonly GeoProfileResult[]): string {
  const rows = results.flatMap(({ profile, phases }) =>
    phases.map((result) => {
      const { phase, kind } = result;
      const local = localPhase(results, kind)?.phase;
      const billed = billedPair(phase.upstash);
      const drain = result.drain ? billedPair(result.drain.perRecord) : undefined;
      return [
        profile.name,
        `${profile.primaryRttMs}/${profile.replicaRttMs}/${profile.postgresRttMs}, ${profile.replicationLagMs}`,
        PHASE_NAMES[kind],
        String(phase.gateway.latency.count),
        fixed(phase.added.p50),
        fixed(phase.added.p99),
        local ? fixed(phase.added.p50 - local.added.p50) : "n/a",
        local ? fixed(phase.added.p99 - local.added.p99) : "n/a",
        `${fixed(phase.upstash.primaryRequests, 2)}/${fixed(phase.upstash.replicaRequests, 2)}`,
        fixed(billed.regional),
        fixed(billed.global),
        drain ? `${fixed(drain.regional, 2)}/${fixed(drain.global, 2)}` : "-",
        String(phase.gateway.errors + phase.direct.errors),
      ];
    }),
  );
  return renderTable(
    [
      "profile",
      "RTT p/r/pg, lag",
      "phase (warm)",
      "n",
      "added p50",
      "added p99",
      "p50 - local",
      "p99 - local",
      "upstash req/req primary/replica",
      "billed/req regional",
      `billed/req ${GLOBAL_READ_REGIONS} RR`,
      `drain/record regional/${GLOBAL_READ_REGIONS} RR`,
      "errors",
    ],
    rows,
  );
}

/**
 * The targets per profile: on warm cache misses and hits, added p50 <= 2 ms and p50 and p99 within 1 ms of
 * `local`; at steady load, <= 4 billed commands per warm request (regional database, the usage drain included).
 */
export function geoTargets(results: readonly GeoProfileResult[]): TargetOutcome[] {
  const outcomes: TargetOutcome[] = [];
  const status = (value: number, passes: boolean): TargetOutcome["status"] =>
    Number.isFinite(value) && passes ? "PASS" : "FAIL";
  for (const { profile, phases } of results) {
    for (const kind of ["miss", "hit"] as const) {
      const phase = phases.find((entry) => entry.kind === kind)?.phase;
      if (!phase) continue;
      const { p50, p99 } = phase.added;
      outcomes.push({
        target: `geo ${profile.name}, warm ${kind}: added p50 <= ${GEO_TARGETS.addedP50Ms} ms`,
        status: status(p50, p50 <= GEO_TARGETS.addedP50Ms),
        measured: `${fixed(p50, 2)} ms`,
      });
      const local = localPhase(results, kind)?.phase;
      if (profile.name === "local" || !local) continue;
      const gaps = [p50 - local.added.p50, p99 - local.added.p99];
      outcomes.push({
        target: `geo ${profile.name}, warm ${kind}: p50 and p99 within ${GEO_TARGETS.gapToLocalMs} ms of local`,
        status: status(
          Math.max(...gaps),
          gaps.every((gap) => gap <= GEO_TARGETS.gapToLocalMs),
        ),
        measured: `p50 ${fixed(gaps[0], 2)} ms, p99 ${fixed(gaps[1], 2)} ms`,
      });
    }
    const steady = phases.find((entry) => entry.kind === "steady");
    if (steady) {
      const total = steadyBilledWithDrain(steady);
      const off = phases.find((entry) => entry.kind === "steady-cache-off");
      const offTotal = off ? steadyBilledWithDrain(off) : undefined;
      outcomes.push({
        target: `geo ${profile.name}: billed commands per warm request at steady load <= ${GEO_TARGETS.billedPerWarmRequest} (regional, usage drain included)`,
        status: status(total.regional, total.regional <= GEO_TARGETS.billedPerWarmRequest),
        measured:
          `${fixed(total.regional, 2)} (${GLOBAL_READ_REGIONS} read regions: ${fixed(total.global, 2)})` +
          (offTotal ? `; cache off ${fixed(offTotal.regional, 2)} (${fixed(offTotal.global, 2)})` : ""),
      });
    }
  }
  return outcomes;
}
