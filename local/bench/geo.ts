/**
 * `npm run bench -- --geo <profile>`: the distance from a caller to Upstash Global's primary (Tokyo, near the
 * Postgres), to its nearest read region and to the Postgres, modelled by the stand-ins (local/upstash geo model,
 * Neon bridge RTT). Each profile's figures and their sources are in docs/geo.md; the bench runs, per profile, the
 * cache-miss and cache-hit phases at c=1 and reports what the gateway adds and the Upstash commands it is billed.
 */
import type { UpstashGeoProfile } from "../upstash/geo-profile.ts";
import type { PhaseContext, PhaseResult, PhaseSpec } from "./measure-phase.ts";
import { measurePhase } from "./measure-phase.ts";
import { cachePhases, missPhases } from "./plan.ts";
import { renderTable } from "./report.ts";

/** One caller location. */
export interface GeoBenchProfile {
  name: string;
  /** Caller ↔ Upstash primary (Tokyo), ms. */
  primaryRttMs: number;
  /** Caller ↔ nearest read region, ms, and which region that is. */
  replicaRttMs: number;
  replicaRegion: string;
  /** Caller ↔ Postgres (Tokyo), ms. */
  postgresRttMs: number;
  /** Replica lag behind the primary, ms. */
  replicationLagMs: number;
  /** Read regions of the database (billed once more per write). */
  readRegions: number;
}

/**
 * The profiles (ms). Figures: docs/geo.md, from /work/shared/reference/edge-state.md section 4 (sources I, A, W and
 * the Prisma colo→AWS figure). Lag: no published figure; one way from Tokyo to the read region (half its RTT).
 */
export const GEO_PROFILES: readonly GeoBenchProfile[] = [
  {
    name: "local",
    primaryRttMs: 0,
    replicaRttMs: 0,
    replicaRegion: "-",
    postgresRttMs: 0,
    replicationLagMs: 0,
    readRegions: 0,
  },
  {
    name: "dhaka",
    primaryRttMs: 117,
    replicaRttMs: 48,
    replicaRegion: "ap-southeast-1",
    postgresRttMs: 117,
    replicationLagMs: 35,
    readRegions: 3,
  },
  {
    name: "singapore",
    primaryRttMs: 69,
    replicaRttMs: 12,
    replicaRegion: "ap-southeast-1",
    postgresRttMs: 69,
    replicationLagMs: 35,
    readRegions: 3,
  },
  {
    name: "frankfurt",
    primaryRttMs: 223,
    replicaRttMs: 12,
    replicaRegion: "eu-central-1",
    postgresRttMs: 223,
    replicationLagMs: 112,
    readRegions: 3,
  },
  {
    name: "virginia",
    primaryRttMs: 146,
    replicaRttMs: 12,
    replicaRegion: "us-east-1",
    postgresRttMs: 146,
    replicationLagMs: 73,
    readRegions: 3,
  },
];

/** The profiles named by `--geo` (`all`, one name, or a comma list); `local` always comes first. */
export function selectGeoProfiles(argument: string): GeoBenchProfile[] {
  const names = argument === "all" ? GEO_PROFILES.map((profile) => profile.name) : argument.split(",");
  const unknown = names.filter((name) => !GEO_PROFILES.some((profile) => profile.name === name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `unknown geo profile(s): ${unknown.join(", ") || "(none)"}; known: all, ${GEO_PROFILES.map((profile) => profile.name).join(", ")}`,
    );
  }
  return GEO_PROFILES.filter((profile) => profile.name === "local" || names.includes(profile.name));
}

/**
 * Takes `--geo <value>` or `--geo=<value>` out of the command line: the profiles it names (undefined without the
 * flag) and the other arguments. Throws when the flag has no value or names an unknown profile.
 */
export function takeGeoArgument(argumentsGiven: readonly string[]): {
  profiles: GeoBenchProfile[] | undefined;
  rest: string[];
} {
  const index = argumentsGiven.findIndex((argument) => argument === "--geo" || argument.startsWith("--geo="));
  if (index < 0) return { profiles: undefined, rest: [...argumentsGiven] };
  const flag = argumentsGiven[index] ?? "";
  const inline = flag.startsWith("--geo=");
  const value = inline ? flag.slice("--geo=".length) : argumentsGiven[index + 1];
  if (value === undefined || value === "" || value.startsWith("--")) {
    throw new Error("--geo needs a profile name, a comma list or all (try --help)");
  }
  const rest = argumentsGiven.filter((_, position) => position !== index && (inline || position !== index + 1));
  return { profiles: selectGeoProfiles(value), rest };
}

/** Where the stand-ins take a profile. */
export interface GeoEndpoints {
  upstashUrl: string;
  upstashToken: string;
  /** `host:port` of the Neon bridge. */
  neonBridge: string | undefined;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

/** Puts the stand-ins under `profile` (undefined: the geo model off, today's local stack). */
export async function applyGeoProfile(endpoints: GeoEndpoints, profile: GeoBenchProfile | undefined): Promise<void> {
  const upstash: UpstashGeoProfile | Record<string, never> = profile
    ? {
        name: profile.name,
        primaryRttMs: profile.primaryRttMs,
        replicaRttMs: profile.replicaRttMs,
        replicationLagMs: profile.replicationLagMs,
        readRegions: profile.readRegions,
      }
    : {};
  await postJson(`${endpoints.upstashUrl}/_omnizen/geo`, upstash, {
    authorization: `Bearer ${endpoints.upstashToken}`,
  });
  if (endpoints.neonBridge) {
    await postJson(`http://${endpoints.neonBridge}/_geo`, { rttMs: profile?.postgresRttMs ?? 0 });
  }
}

/** What one profile measured. */
export interface GeoProfileResult {
  profile: GeoBenchProfile;
  miss: PhaseResult;
  hit: PhaseResult | undefined;
}

function geoSpec(spec: PhaseSpec, profile: GeoBenchProfile): PhaseSpec {
  return { ...spec, id: `geo-${profile.name}-${spec.id}`, label: `${profile.name}: ${spec.label}` };
}

/**
 * Measures each profile in turn: warm-up (unique prompts, so the isolate knows the key), then cache misses (small,
 * c=1) and, when the cache answers, cache hits (c=1), with quick counts. Leaves the geo model off at the end.
 */
export async function measureGeoProfiles(
  context: PhaseContext,
  endpoints: GeoEndpoints,
  profiles: readonly GeoBenchProfile[],
  options: { cacheAvailable: boolean; warmup: (requests: number) => Promise<void> },
): Promise<GeoProfileResult[]> {
  const missSpec = missPhases(true).find((spec) => spec.id === "small-c1");
  const hitSpec = cachePhases(true)[0];
  if (!missSpec || !hitSpec) throw new Error("the plan has no small-c1 or cache-hit phase");
  const results: GeoProfileResult[] = [];
  try {
    for (const profile of profiles) {
      context.log(`geo: profile ${profile.name}`);
      await applyGeoProfile(endpoints, profile);
      const profileContext: PhaseContext = {
        ...context,
        extraSettleMs: 2 * profile.primaryRttMs + profile.replicationLagMs + 300,
      };
      await options.warmup(20);
      const miss = await measurePhase(geoSpec(missSpec, profile), profileContext);
      const hit = options.cacheAvailable ? await measurePhase(geoSpec(hitSpec, profile), profileContext) : undefined;
      results.push({ profile, miss, hit });
    }
  } finally {
    await applyGeoProfile(endpoints, undefined);
  }
  return results;
}

const fixed = (value: number | undefined, digits = 1): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "n/a";

/**
 * The geo table: per profile, the distances, what the gateway adds (warm, c=1) over the direct call on a cache miss
 * and a cache hit, how far that is from the `local` profile, and the Upstash requests and billed commands per
 * gateway request.
 */
export function geoTable(results: readonly GeoProfileResult[]): string {
  const local = results.find((result) => result.profile.name === "local");
  const rows = results.map(({ profile, miss, hit }) => [
    profile.name,
    `${profile.primaryRttMs}/${profile.replicaRttMs}/${profile.postgresRttMs}`,
    String(profile.replicationLagMs),
    fixed(miss.added.p50),
    fixed(miss.added.p99),
    local ? fixed(miss.added.p50 - local.miss.added.p50) : "n/a",
    fixed(hit?.added.p50),
    fixed(hit?.added.p99),
    local?.hit && hit ? fixed(hit.added.p50 - local.hit.added.p50) : "n/a",
    fixed(miss.upstashCallsPerRequest, 2),
    fixed(miss.billedCommandsPerRequest, 1),
    fixed(hit?.billedCommandsPerRequest, 1),
    String(miss.gateway.errors + miss.direct.errors + (hit ? hit.gateway.errors + hit.direct.errors : 0)),
  ]);
  return renderTable(
    [
      "geo profile (ms, warm, c=1)",
      "RTT primary/replica/pg",
      "lag",
      "miss added p50",
      "miss added p99",
      "miss p50 - local",
      "hit added p50",
      "hit added p99",
      "hit p50 - local",
      "upstash req/gw req",
      "billed cmds/miss",
      "billed cmds/hit",
      "errors",
    ],
    rows,
  );
}
