import { describe, expect, it } from "vitest";
import { GEO_PROFILES, geoTable, selectGeoProfiles, takeGeoArgument, type GeoProfileResult } from "./geo.ts";
import type { PhaseResult } from "./measure-phase.ts";

describe("selectGeoProfiles", () => {
  it("always measures local first, then the named profiles in table order", () => {
    expect(selectGeoProfiles("all").map((profile) => profile.name)).toEqual([
      "local",
      "dhaka",
      "singapore",
      "frankfurt",
      "virginia",
    ]);
    expect(selectGeoProfiles("virginia,dhaka").map((profile) => profile.name)).toEqual(["local", "dhaka", "virginia"]);
    expect(selectGeoProfiles("local").map((profile) => profile.name)).toEqual(["local"]);
  });

  it("names an unknown profile", () => {
    expect(() => selectGeoProfiles("dhaka,mars")).toThrow("unknown geo profile(s): mars");
  });

  it("keeps every far profile's replica nearer than its primary, and local at zero", () => {
    for (const profile of GEO_PROFILES.filter((entry) => entry.name !== "local")) {
      expect(profile.replicaRttMs).toBeLessThan(profile.primaryRttMs);
      expect(profile.replicationLagMs).toBeGreaterThan(0);
    }
    const local = GEO_PROFILES.find((profile) => profile.name === "local");
    expect([local?.primaryRttMs, local?.replicaRttMs, local?.postgresRttMs, local?.replicationLagMs]).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe("takeGeoArgument", () => {
  const names = (argumentsGiven: string[]) => takeGeoArgument(argumentsGiven).profiles?.map((profile) => profile.name);

  it("leaves a command line without --geo alone", () => {
    expect(takeGeoArgument(["--quick"])).toEqual({ profiles: undefined, rest: ["--quick"] });
    expect(takeGeoArgument([])).toEqual({ profiles: undefined, rest: [] });
  });

  it("takes the flag and its value, in either form", () => {
    expect(names(["--quick", "--geo", "dhaka"])).toEqual(["local", "dhaka"]);
    expect(takeGeoArgument(["--geo", "all", "--quick"]).rest).toEqual(["--quick"]);
    expect(names(["--geo=virginia", "--miniflare"])).toEqual(["local", "virginia"]);
    expect(takeGeoArgument(["--geo=virginia", "--miniflare"]).rest).toEqual(["--miniflare"]);
  });

  it("refuses a missing value", () => {
    expect(() => takeGeoArgument(["--geo"])).toThrow("--geo needs a profile name");
    expect(() => takeGeoArgument(["--geo", "--quick"])).toThrow("--geo needs a profile name");
  });
});

function phase(addedP50: number, addedP99: number, billed: number): PhaseResult {
  return {
    added: { p50: addedP50, p90: addedP99, p99: addedP99 },
    gateway: { errors: 0 },
    direct: { errors: 1 },
    upstashCallsPerRequest: 2,
    billedCommandsPerRequest: billed,
  } as unknown as PhaseResult;
}

describe("geoTable", () => {
  it("shows each profile's added latency, its distance from local and the billed commands", () => {
    const [local, dhaka] = selectGeoProfiles("dhaka");
    const results: GeoProfileResult[] = [
      { profile: local!, miss: phase(1.5, 3, 32), hit: phase(1, 2, 20) },
      { profile: dhaka!, miss: phase(240.25, 260, 86), hit: undefined },
    ];
    const lines = geoTable(results).split("\n");
    expect(lines[0]).toContain("miss added p50");
    expect(lines[2]).toMatch(
      /^local\s+0\/0\/0\s+0\s+1\.5\s+3\.0\s+0\.0\s+1\.0\s+2\.0\s+0\.0\s+2\.00\s+32\.0\s+20\.0\s+2$/,
    );
    expect(lines[3]).toMatch(
      /^dhaka\s+117\/48\/117\s+35\s+240\.3\s+260\.0\s+238\.8\s+n\/a\s+n\/a\s+n\/a\s+2\.00\s+86\.0\s+n\/a\s+1$/,
    );
  });
});
