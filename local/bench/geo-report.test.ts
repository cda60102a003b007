import { describe, expect, it } from "vitest";
import { selectGeoProfiles } from "./geo.ts";
import type { GeoPhaseResult, GeoProfileResult } from "./geo-measure.ts";
import { billedPair, geoTable, geoTargets, steadyBilledWithDrain } from "./geo-report.ts";
import type { PhaseResult } from "./measure-phase.ts";
import type { UpstashCounts } from "./stand-in-counters.ts";

const counts = (commands: number, scriptCalls: number, writes: number, primary = 1, replica = 0): UpstashCounts => ({
  requests: primary + replica,
  primaryRequests: primary,
  replicaRequests: replica,
  commands,
  scriptCalls,
  writes,
});

function phase(addedP50: number, addedP99: number, upstash: UpstashCounts, n = 30): PhaseResult {
  return {
    added: { p50: addedP50, p90: addedP99, p99: addedP99 },
    gateway: { errors: 0, latency: { count: n } },
    direct: { errors: 1 },
    upstash,
  } as unknown as PhaseResult;
}

const [localProfile, dhakaProfile] = selectGeoProfiles("dhaka");

function results(): GeoProfileResult[] {
  const drain = { recordsDrained: 100, perRecord: counts(0.02, 0.05, 0.01, 0.02), emptyRun: counts(3, 10, 1) };
  return [
    {
      profile: localProfile!,
      phases: [
        { kind: "miss", phase: phase(1.5, 3, counts(2, 35, 12, 2)) },
        { kind: "hit", phase: phase(1, 2, counts(2, 23, 8, 2)) },
        { kind: "steady", phase: phase(2, 6, counts(2, 30, 10, 2), 320), drain },
      ],
    },
    {
      profile: dhakaProfile!,
      phases: [
        { kind: "miss", phase: phase(120.25, 140, counts(2, 35, 12, 2)) },
        { kind: "hit", phase: phase(2, 3.5, counts(1, 0, 0, 0, 1)) },
        { kind: "steady", phase: phase(3, 7, counts(1, 1, 1, 1, 1), 320), drain },
        { kind: "miss-cache-off", phase: phase(1, 2, counts(1, 0, 0, 1, 0)) },
      ],
    },
  ];
}

describe("billedPair", () => {
  it("bills every command and script call, and each write once more per read region on the global database", () => {
    expect(billedPair(counts(2, 30, 10))).toEqual({ regional: 32, global: 62 });
  });
});

describe("steadyBilledWithDrain", () => {
  it("adds the usage drain per record to the phase's own commands", () => {
    const steady = results()[1]!.phases[2]!;
    const total = steadyBilledWithDrain(steady);
    expect(total.regional).toBeCloseTo(2 + 0.07);
    expect(total.global).toBeCloseTo(2 + 3 + 0.07 + 0.03);
  });

  it("is NaN when the drain was not measured (no cron trigger)", () => {
    const withoutDrain: GeoPhaseResult = { kind: "steady", phase: phase(1, 1, counts(1, 1, 1)) };
    expect(steadyBilledWithDrain(withoutDrain).regional).toBeNaN();
  });
});

describe("geoTable", () => {
  it("has a row per profile and phase, with the gap to local's same phase and the primary/replica split", () => {
    const lines = geoTable(results()).split("\n");
    expect(lines[0]).toMatch(/^profile\s+RTT p\/r\/pg, lag\s+phase \(warm\)\s+n\s+added p50/);
    expect(lines).toHaveLength(2 + 3 + 4);
    expect(lines[2]).toMatch(
      /^local\s+0\/0\/0, 0\s+miss c=1\s+30\s+1\.5\s+3\.0\s+0\.0\s+0\.0\s+2\.00\/0\.00\s+37\.0\s+73\.0\s+-\s+1$/,
    );
    expect(lines[4]).toMatch(/^local .*steady c=8\s+320\s+2\.0\s+6\.0 .* 32\.0\s+62\.0\s+0\.07\/0\.10\s+1$/);
    expect(lines[5]).toMatch(
      /^dhaka\s+117\/48\/117, 35\s+miss c=1\s+30\s+120\.3\s+140\.0\s+118\.8\s+137\.0\s+2\.00\/0\.00\s+37\.0\s+73\.0\s+-\s+1$/,
    );
    expect(lines[6]).toMatch(/^dhaka .*hit c=1 .* 1\.0\s+1\.5\s+0\.00\/1\.00\s+1\.0\s+1\.0\s+-\s+1$/);
    // local has no cache-off phase in this run: no gap to show.
    expect(lines[8]).toMatch(/^dhaka .*miss c=1, cache off\s+30\s+1\.0\s+2\.0\s+n\/a\s+n\/a\s+1\.00\/0\.00/);
  });
});

describe("geoTargets", () => {
  it("checks added p50, the gap to local on misses and hits, and the billed commands at steady load", () => {
    const outcomes = geoTargets(results());
    const byTarget = Object.fromEntries(outcomes.map((outcome) => [outcome.target, outcome]));
    expect(byTarget["geo local, warm miss: added p50 <= 2 ms"]?.status).toBe("PASS");
    expect(byTarget["geo dhaka, warm miss: added p50 <= 2 ms"]?.status).toBe("FAIL");
    expect(byTarget["geo dhaka, warm miss: p50 and p99 within 1 ms of local"]).toMatchObject({
      status: "FAIL",
      measured: "p50 118.75 ms, p99 137.00 ms",
    });
    // Hit: p50 gap 1.0 passes, p99 gap 1.5 does not.
    expect(byTarget["geo dhaka, warm hit: p50 and p99 within 1 ms of local"]?.status).toBe("FAIL");
    expect(byTarget["geo dhaka, warm hit: added p50 <= 2 ms"]?.status).toBe("PASS");
    const billed = "billed commands per warm request at steady load <= 4 (regional, usage drain included)";
    expect(byTarget[`geo local: ${billed}`]).toMatchObject({
      status: "FAIL",
      measured: "32.07 (3 read regions: 62.10)",
    });
    expect(byTarget[`geo dhaka: ${billed}`]).toMatchObject({ status: "PASS", measured: "2.07 (3 read regions: 5.10)" });
    expect(outcomes.some((outcome) => outcome.target.startsWith("geo local, warm miss: p50 and p99"))).toBe(false);
  });

  it("passes a far profile whose gaps to local are within 1 ms, and fails a missing figure", () => {
    const all = results();
    all[1]!.phases[1] = { kind: "hit", phase: phase(1.8, 2.9, counts(1, 0, 0, 0, 1)) };
    all[0]!.phases[0] = { kind: "miss", phase: phase(Number.NaN, 3, counts(1, 0, 0)) };
    const outcomes = geoTargets(all);
    const find = (target: string) => outcomes.find((outcome) => outcome.target === target)?.status;
    expect(find("geo dhaka, warm hit: p50 and p99 within 1 ms of local")).toBe("PASS");
    expect(find("geo local, warm miss: added p50 <= 2 ms")).toBe("FAIL");
  });
});
