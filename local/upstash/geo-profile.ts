/**
 * A geo profile of the Upstash stand-in: how far the caller is from Upstash Global's primary region and from its
 * nearest read region, and how far the read region lags behind the primary. See docs/geo.md.
 */

/** Distances and lag of one profile, in milliseconds. */
export interface UpstashGeoProfile {
  /** Profile name, for logs and stats. */
  name: string;
  /** Caller ↔ primary round trip, paid by writes and write-capable scripts. */
  primaryRttMs: number;
  /** Caller ↔ nearest read region round trip, paid by reads and read-only scripts. */
  replicaRttMs: number;
  /** How old the replica's view of the primary is. */
  replicationLagMs: number;
  /** Read regions billed per write (Upstash bills a write once more per read region). Defaults to 1. */
  readRegions?: number;
  /** Modelled execution time a script holds its locks (to make lock contention visible). Defaults to 0. */
  scriptLockHoldMs?: number;
}

function nonNegative(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new Error(`geo profile: ${field} must be a non-negative number of milliseconds`);
  }
  return value;
}

/** Validates a profile from JSON (`POST /_omnizen/geo`); throws an Error naming the bad field. */
export function parseGeoProfile(value: unknown): UpstashGeoProfile {
  if (!value || typeof value !== "object") throw new Error("geo profile: expected a JSON object");
  const record = value as Record<string, unknown>;
  const name = typeof record.name === "string" && record.name !== "" ? record.name : "custom";
  return {
    name,
    primaryRttMs: nonNegative(record.primaryRttMs, "primaryRttMs"),
    replicaRttMs: nonNegative(record.replicaRttMs, "replicaRttMs"),
    replicationLagMs: nonNegative(record.replicationLagMs, "replicationLagMs"),
    readRegions: record.readRegions === undefined ? 1 : nonNegative(record.readRegions, "readRegions"),
    scriptLockHoldMs:
      record.scriptLockHoldMs === undefined ? 0 : nonNegative(record.scriptLockHoldMs, "scriptLockHoldMs"),
  };
}

/** Resolves after `ms` (at once for 0). */
export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
