import { describe, expect, it } from "vitest";
import { GEO_PROFILES, selectGeoProfiles, takeGeoArgument } from "./geo.ts";

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
