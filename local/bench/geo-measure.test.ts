import { describe, expect, it } from "vitest";
import { selectGeoProfiles, type GeoBenchProfile } from "./geo.ts";
import {
  divideCounts,
  geoPhaseSpec,
  measureGeoProfiles,
  STEADY_CONCURRENCY,
  type GeoRunOptions,
} from "./geo-measure.ts";
import type { PhaseContext, PhaseResult, PhaseSpec } from "./measure-phase.ts";
import type { StandInCounters } from "./stand-in-counters.ts";

const [local, frankfurt] = selectGeoProfiles("frankfurt") as [GeoBenchProfile, GeoBenchProfile];

describe("geoPhaseSpec", () => {
  it("runs misses and hits at c=1 and the steady load at c=8 with unique prompts, ids carrying the profile", () => {
    const miss = geoPhaseSpec("miss", frankfurt, true);
    expect(miss).toMatchObject({ id: "geo-frankfurt-miss", concurrency: 1, prompt: "unique", stream: false });
    expect(geoPhaseSpec("hit", frankfurt, true)).toMatchObject({ concurrency: 1, prompt: "fixed" });
    const steady = geoPhaseSpec("steady-cache-off", frankfurt, false);
    expect(steady).toMatchObject({ id: "geo-frankfurt-steady-cache-off", prompt: "unique" });
    expect(steady.concurrency).toBe(STEADY_CONCURRENCY);
    expect(steady.label).toBe("frankfurt: steady load, c=8, account cache off");
    expect(steady.requestsPerPath).toBeGreaterThanOrEqual(200); // "a few hundred requests"
  });

  it("keeps --quick short", () => {
    for (const kind of ["miss", "steady"] as const) {
      expect(geoPhaseSpec(kind, local, true).requestsPerPath).toBeLessThan(
        geoPhaseSpec(kind, local, false).requestsPerPath,
      );
    }
    expect(geoPhaseSpec("steady", local, true).requestsPerPath).toBeLessThanOrEqual(100);
  });
});

describe("divideCounts", () => {
  it("divides every field, and gives NaN for no divisor", () => {
    const counts = { requests: 10, primaryRequests: 4, replicaRequests: 6, commands: 10, scriptCalls: 20, writes: 8 };
    expect(divideCounts(counts, 4)).toEqual({
      requests: 2.5,
      primaryRequests: 1,
      replicaRequests: 1.5,
      commands: 2.5,
      scriptCalls: 5,
      writes: 2,
    });
    expect(divideCounts(counts, 0).commands).toBeNaN();
    expect(divideCounts(counts, Number.NaN).writes).toBeNaN();
  });
});

/** A run with every side effect recorded in `events`, phases faked, and the stand-in's counters scripted. */
function fakeRun(options: { failOn?: string; cacheAvailable?: boolean } = {}) {
  const events: string[] = [];
  let commands = 0;
  const counters = (): StandInCounters => ({
    upstashRequests: commands,
    upstashBilledCommands: commands,
    upstashCommands: commands,
    upstashScriptCalls: 0,
    upstashWrites: 0,
    upstashPrimaryRequests: 0,
    upstashReplicaRequests: 0,
    postgresConnections: 0,
  });
  const context = { readCounters: async () => counters(), log: () => undefined } as unknown as PhaseContext;
  const runOptions: GeoRunOptions = {
    quick: true,
    cacheAvailable: options.cacheAvailable ?? true,
    warmup: async (requests) => void events.push(`warmup ${requests}`),
    // Each cron run costs 5 commands, and 1 more per record it drains (10 queued before the first run after a phase).
    runCron: async () => {
      const drained = events.at(-1)?.startsWith("measure") ? 10 : 0;
      commands += 5 + drained;
      events.push("cron");
      return { "usage-drained": drained };
    },
    switchCache: async (enabled) => void events.push(`cache ${enabled ? "on" : "off"}`),
    measure: async (spec: PhaseSpec, phaseContext: PhaseContext) => {
      events.push(`measure ${spec.id} settle ${phaseContext.extraSettleMs}`);
      if (spec.id === options.failOn) throw new Error("phase failed");
      return { spec } as PhaseResult;
    },
  };
  const apply = async (profile: GeoBenchProfile | undefined) => void events.push(`apply ${profile?.name ?? "off"}`);
  return { events, context, runOptions, apply };
}

describe("measureGeoProfiles", () => {
  it("runs every profile's cache-on phases, then switches the cache off once for every profile's cache-off phases", async () => {
    const { events, context, runOptions, apply } = fakeRun();
    const results = await measureGeoProfiles(context, apply, [local, frankfurt], runOptions);
    expect(results.map((result) => result.phases.map((phase) => phase.kind))).toEqual([
      ["miss", "hit", "steady", "miss-cache-off", "steady-cache-off"],
      ["miss", "hit", "steady", "miss-cache-off", "steady-cache-off"],
    ]);
    const frankfurtSettle = 2 * 223 + 112 + 300;
    expect(events).toEqual([
      "apply local",
      "warmup 20",
      "measure geo-local-miss settle 300",
      "measure geo-local-hit settle 300",
      "cron", // empties the queue before the steady phase
      "measure geo-local-steady settle 300",
      "cron", // drains the phase's records
      "cron", // nothing queued: the fixed cost
      "apply frankfurt",
      "warmup 20",
      `measure geo-frankfurt-miss settle ${frankfurtSettle}`,
      `measure geo-frankfurt-hit settle ${frankfurtSettle}`,
      "cron",
      `measure geo-frankfurt-steady settle ${frankfurtSettle}`,
      "cron",
      "cron",
      "cache off",
      "apply local",
      "warmup 20",
      "measure geo-local-miss-cache-off settle 300",
      "cron",
      "measure geo-local-steady-cache-off settle 300",
      "cron",
      "cron",
      "apply frankfurt",
      "warmup 20",
      `measure geo-frankfurt-miss-cache-off settle ${frankfurtSettle}`,
      "cron",
      `measure geo-frankfurt-steady-cache-off settle ${frankfurtSettle}`,
      "cron",
      "cron",
      "cache on",
      "apply off",
    ]);
    // The drain run cost 5 + 10, the empty run 5: 10 commands for 10 records.
    const drain = results[0]?.phases[2]?.drain;
    expect(drain?.recordsDrained).toBe(10);
    expect(drain?.perRecord.commands).toBe(1);
    expect(drain?.emptyRun.commands).toBe(5);
  });

  it("turns the cache back on and the model off when a cache-off phase fails", async () => {
    const { events, context, runOptions, apply } = fakeRun({ failOn: "geo-local-miss-cache-off" });
    await expect(measureGeoProfiles(context, apply, [local], runOptions)).rejects.toThrow("phase failed");
    expect(events.slice(-2)).toEqual(["cache on", "apply off"]);
  });

  it("skips the cache-off phases, but not the run, when the switch is refused", async () => {
    const { events, context, runOptions, apply } = fakeRun();
    const logged: string[] = [];
    const logging = { ...context, log: (line: string) => void logged.push(line) } as PhaseContext;
    const refusing: GeoRunOptions = {
      ...runOptions,
      switchCache: async (enabled) => {
        events.push(`cache ${enabled ? "on" : "off"} refused`);
        throw new Error("PATCH /api/account promptCacheEnabled=false answered 429");
      },
    };
    const results = await measureGeoProfiles(logging, apply, [local], refusing);
    expect(results[0]?.phases.map((phase) => phase.kind)).toEqual(["miss", "hit", "steady"]);
    expect(events.slice(-3)).toEqual(["cache off refused", "cache on refused", "apply off"]);
    expect(logged).toContain(
      "geo: the account's cache could not be turned off (PATCH /api/account promptCacheEnabled=false answered 429); " +
        "no cache-off phases",
    );
  });

  it("skips the hit and cache-off phases when the cache is not available", async () => {
    const { events, context, runOptions, apply } = fakeRun({ cacheAvailable: false });
    const results = await measureGeoProfiles(context, apply, [local], runOptions);
    expect(results[0]?.phases.map((phase) => phase.kind)).toEqual(["miss", "steady"]);
    expect(events.some((event) => event.startsWith("cache"))).toBe(false);
  });
});
