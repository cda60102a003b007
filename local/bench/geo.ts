/**
 * `npm run bench -- --geo <profile>`: the distance from a caller to Upstash Global's primary (Tokyo, near the
 * Postgres), to its nearest read region and to the Postgres, modelled by the stand-ins (local/upstash geo model,
 * Neon bridge RTT). Each profile's figures and their sources are in docs/geo.md. This module holds the profiles, the
 * `--geo` argument and the switch of the stand-ins; the phases run under a profile are in geo-measure.ts and their
 * report in geo-report.ts.
 */
import type { UpstashGeoProfile } from "../upstash/geo-profile.ts";

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
