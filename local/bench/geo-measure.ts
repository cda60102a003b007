/**
 * The phases `npm run bench -- --geo` runs under each distance profile, and their measurement. Per profile, after
 * the stand-ins take it and the isolate has sent 20 requests with the bench key (so every measured request is
 * warm: after the warm-ups, with a key this isolate has seen): cache misses and cache hits at c=1 and a steady load
 * of unique prompts at c=8 with the usage drain it causes; then, for every profile again, the same miss and steady
 * phases with the account's prompt cache turned off through the dashboard API, which is turned on again at the end.
 */
import type { PhaseContext, PhaseResult, PhaseSpec } from "./measure-phase.ts";
import { measurePhase } from "./measure-phase.ts";
import type { GeoBenchProfile } from "./geo.ts";
import { subtractCounts, upstashCountsBetween, type UpstashCounts } from "./stand-in-counters.ts";

/** The phases of a profile, in the order they run. */
export const GEO_PHASE_KINDS = ["miss", "hit", "steady", "miss-cache-off", "steady-cache-off"] as const;
export type GeoPhaseKind = (typeof GEO_PHASE_KINDS)[number];

/** Concurrency of the steady-load phases. */
export const STEADY_CONCURRENCY = 8;

/** Requests per path: c=1 phases and steady phases, for a full run and for `--quick`. */
const GEO_COUNTS = {
  full: { single: { requests: 400, warmup: 20 }, steady: { requests: 320, warmup: 40 } },
  quick: { single: { requests: 30, warmup: 5 }, steady: { requests: 96, warmup: 16 } },
} as const;

/** Isolate warm-up requests (unique prompts, the bench key) after the stand-ins take a profile. */
export const GEO_WARMUP_REQUESTS = 20;

/** The phase of `kind` under `profile`. Ids carry the profile, so prompts never repeat across profiles. */
export function geoPhaseSpec(kind: GeoPhaseKind, profile: GeoBenchProfile, quick: boolean): PhaseSpec {
  const counts = GEO_COUNTS[quick ? "quick" : "full"];
  const steady = kind === "steady" || kind === "steady-cache-off";
  const { requests, warmup } = steady ? counts.steady : counts.single;
  const cacheOff = kind.endsWith("cache-off");
  const what = steady ? `steady load, c=${STEADY_CONCURRENCY}` : kind === "hit" ? "cache hit, c=1" : "cache miss, c=1";
  return {
    kind: "chat",
    id: `geo-${profile.name}-${kind}`,
    label: `${profile.name}: ${what}${cacheOff ? ", account cache off" : ""}`,
    size: "small",
    stream: false,
    prompt: kind === "hit" ? "fixed" : "unique",
    concurrency: steady ? STEADY_CONCURRENCY : 1,
    requestsPerPath: requests,
    warmupPerPath: warmup,
  };
}

/**
 * What the every-minute cron (usage drain, then its other jobs) cost after a steady phase: the run that drained the
 * phase's records, less a second run with nothing queued, per record drained; and that empty run itself, which the
 * service pays once a minute whatever the load.
 */
export interface DrainCost {
  recordsDrained: number;
  perRecord: UpstashCounts;
  emptyRun: UpstashCounts;
}

/** One measured phase of a profile. */
export interface GeoPhaseResult {
  kind: GeoPhaseKind;
  phase: PhaseResult;
  /** Steady phases on plain workerd (which has a cron trigger). */
  drain?: DrainCost;
}

/** What one profile measured. */
export interface GeoProfileResult {
  profile: GeoBenchProfile;
  phases: GeoPhaseResult[];
}

/** What measureGeoProfiles needs besides the phase context. */
export interface GeoRunOptions {
  quick: boolean;
  /** The gateway answered `x-omnizen-cache: HIT` earlier in the run; without it, no hit or cache-off phases. */
  cacheAvailable: boolean;
  /** Sends `requests` warm-up requests with unique prompts through the gateway. */
  warmup: (requests: number) => Promise<void>;
  /** Runs the gateway's every-minute cron once; resolves with its job results (undefined: no cron trigger). */
  runCron?: () => Promise<Record<string, unknown>>;
  /** Turns the account's prompt cache on or off and waits until the gateway shows it (account-cache-switch.ts). */
  switchCache?: (enabled: boolean) => Promise<void>;
  /** Measures one phase; measure-phase.ts unless a test stands in. */
  measure?: (spec: PhaseSpec, context: PhaseContext) => Promise<PhaseResult>;
}

/** The drain cost after a steady phase (see DrainCost). */
async function measureDrain(
  context: PhaseContext,
  runCron: () => Promise<Record<string, unknown>>,
): Promise<DrainCost> {
  const before = await context.readCounters();
  const first = await runCron();
  const afterFirst = await context.readCounters();
  await runCron();
  const afterSecond = await context.readCounters();
  const drained = first["usage-drained"];
  const recordsDrained = typeof drained === "number" ? drained : Number.NaN;
  const run = upstashCountsBetween(before, afterFirst);
  const emptyRun = upstashCountsBetween(afterFirst, afterSecond);
  return { recordsDrained, perRecord: divideCounts(subtractCounts(run, emptyRun), recordsDrained), emptyRun };
}

/** `counts / divisor`, field by field (NaN for no divisor). */
export function divideCounts(counts: UpstashCounts, divisor: number): UpstashCounts {
  const share = (value: number) => (divisor > 0 ? value / divisor : Number.NaN);
  return {
    requests: share(counts.requests),
    primaryRequests: share(counts.primaryRequests),
    replicaRequests: share(counts.replicaRequests),
    commands: share(counts.commands),
    scriptCalls: share(counts.scriptCalls),
    writes: share(counts.writes),
  };
}

/** Measures the phases of one profile whose prompt cache is in the state `kinds` expect. */
async function measureKinds(
  kinds: readonly GeoPhaseKind[],
  profile: GeoBenchProfile,
  context: PhaseContext,
  options: GeoRunOptions,
): Promise<GeoPhaseResult[]> {
  const results: GeoPhaseResult[] = [];
  for (const kind of kinds) {
    const steady = kind.startsWith("steady");
    // Records left by earlier phases are drained first, so the drain after the phase is the phase's own.
    if (steady && options.runCron) await options.runCron();
    const phase = await (options.measure ?? measurePhase)(geoPhaseSpec(kind, profile, options.quick), context);
    const drain = steady && options.runCron ? await measureDrain(context, options.runCron) : undefined;
    results.push({ kind, phase, ...(drain ? { drain } : {}) });
  }
  return results;
}

/**
 * Measures the cache-on phases of every profile, then turns the account's cache off once and measures the cache-off
 * phases of every profile (each profile applied and warmed up again), then turns it on. Two switches per run: the
 * dashboard API allows an account 20 profile changes an hour (services/dashboard-limits.ts). A switch that is
 * refused skips the cache-off phases (logged) instead of failing the run. The settle wait after each phase covers
 * the background work: 2 × primary RTT + lag + 300 ms after workerd's CPU settles. Leaves the geo model off and the
 * account's prompt cache on at the end, whatever happens.
 */
export async function measureGeoProfiles(
  context: PhaseContext,
  /** Puts the stand-ins under a profile, or back to no model for undefined (geo.ts applyGeoProfile). */
  applyProfile: (profile: GeoBenchProfile | undefined) => Promise<void>,
  profiles: readonly GeoBenchProfile[],
  options: GeoRunOptions,
): Promise<GeoProfileResult[]> {
  const results: GeoProfileResult[] = profiles.map((profile) => ({ profile, phases: [] }));
  const measureEveryProfile = async (kinds: readonly GeoPhaseKind[], what: string): Promise<void> => {
    for (const result of results) {
      const { profile } = result;
      const started = performance.now();
      context.log(`geo: profile ${profile.name}, ${what}`);
      await applyProfile(profile);
      const profileContext: PhaseContext = {
        ...context,
        extraSettleMs: 2 * profile.primaryRttMs + profile.replicationLagMs + 300,
      };
      await options.warmup(GEO_WARMUP_REQUESTS);
      result.phases.push(...(await measureKinds(kinds, profile, profileContext, options)));
      context.log(`geo: profile ${profile.name}, ${what}, took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  };
  const switchCache = options.cacheAvailable ? options.switchCache : undefined;
  let cacheMayBeOff = false;
  try {
    await measureEveryProfile(options.cacheAvailable ? ["miss", "hit", "steady"] : ["miss", "steady"], "cache on");
    if (switchCache) {
      cacheMayBeOff = true;
      const off = await switchCache(false).then(
        () => true,
        (error: unknown) => {
          context.log(`geo: the account's cache could not be turned off (${errorMessage(error)}); no cache-off phases`);
          return false;
        },
      );
      if (off) await measureEveryProfile(["miss-cache-off", "steady-cache-off"], "account cache off");
    }
  } finally {
    if (cacheMayBeOff && switchCache) {
      await switchCache(true).catch((error: unknown) =>
        context.log(`geo: the account's cache could not be turned on again (${errorMessage(error)})`),
      );
    }
    await applyProfile(undefined);
  }
  return results;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
