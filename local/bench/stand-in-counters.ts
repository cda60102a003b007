/**
 * Optional counters of the local stand-ins: REST requests served by the Upstash stand-in (`GET /_omnizen/stats`;
 * under a geo profile also the commands Upstash would bill and the requests each region served) and WebSocket
 * connections bridged to Postgres by the Neon bridge (`GET /_stats`). They show how many Redis round trips and
 * Postgres connections each gateway request costs. A stand-in without the endpoint yields undefined, and the
 * benchmark reports "n/a" instead of failing.
 */

/** Counter values at one moment (undefined when the stand-in does not offer the counter). */
export interface StandInCounters {
  upstashRequests: number | undefined;
  /** Commands as Upstash bills them, counted by the stand-in while a geo profile is on (see local/upstash). */
  upstashBilledCommands: number | undefined;
  /** Under a geo profile: REST requests served by the primary and by the replica. */
  upstashPrimaryRequests?: number | undefined;
  upstashReplicaRequests?: number | undefined;
  /** Under a geo profile: top-level commands, `redis.call`s inside scripts, and writes (see local/upstash). */
  upstashCommands?: number | undefined;
  upstashScriptCalls?: number | undefined;
  upstashWrites?: number | undefined;
  postgresConnections: number | undefined;
}

/**
 * Upstash counts over an interval, or per request (NaN when the stand-in does not count them). What Upstash bills
 * follows from them for any number of read regions: {@link billedCommands}.
 */
export interface UpstashCounts {
  requests: number;
  primaryRequests: number;
  replicaRequests: number;
  commands: number;
  scriptCalls: number;
  writes: number;
}

/** Where the stand-ins listen, taken from the worker's bindings. */
export interface StandInEndpoints {
  /** UPSTASH_REDIS_REST_URL. */
  upstashUrl: string;
  /** UPSTASH_REDIS_REST_TOKEN. */
  upstashToken: string;
  /** NEON_WS_PROXY, `host:port` of the Neon bridge. */
  neonBridge: string | undefined;
}

async function readNumbers(
  url: string,
  headers: Record<string, string>,
  fields: readonly string[],
): Promise<(number | undefined)[]> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
    if (!response.ok) return fields.map(() => undefined);
    const body: unknown = await response.json();
    return fields.map((field) => {
      const value = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
      return typeof value === "number" ? value : undefined;
    });
  } catch {
    return fields.map(() => undefined);
  }
}

/** Reads both counters. */
export async function readStandInCounters(endpoints: StandInEndpoints): Promise<StandInCounters> {
  const [
    [upstashRequests, upstashBilledCommands, primary, replica, commands, scriptCalls, writes],
    [postgresConnections],
  ] = await Promise.all([
    readNumbers(`${endpoints.upstashUrl}/_omnizen/stats`, { authorization: `Bearer ${endpoints.upstashToken}` }, [
      "requests",
      "billedCommands",
      "primaryRequests",
      "replicaRequests",
      "commands",
      "scriptCalls",
      "writes",
    ]),
    endpoints.neonBridge
      ? readNumbers(`http://${endpoints.neonBridge}/_stats`, {}, ["connections"])
      : Promise.resolve([undefined]),
  ]);
  return {
    upstashRequests,
    upstashBilledCommands,
    upstashPrimaryRequests: primary,
    upstashReplicaRequests: replica,
    upstashCommands: commands,
    upstashScriptCalls: scriptCalls,
    upstashWrites: writes,
    postgresConnections,
  };
}

/** `(after - before) / requests`, or NaN when a counter is unavailable. */
export function perRequest(before: number | undefined, after: number | undefined, requests: number): number {
  if (before === undefined || after === undefined || requests === 0) return Number.NaN;
  return (after - before) / requests;
}

/** The Upstash counts between two readings, divided by `requests` (1 for the totals). */
export function upstashCountsBetween(before: StandInCounters, after: StandInCounters, requests = 1): UpstashCounts {
  return {
    requests: perRequest(before.upstashRequests, after.upstashRequests, requests),
    primaryRequests: perRequest(before.upstashPrimaryRequests, after.upstashPrimaryRequests, requests),
    replicaRequests: perRequest(before.upstashReplicaRequests, after.upstashReplicaRequests, requests),
    commands: perRequest(before.upstashCommands, after.upstashCommands, requests),
    scriptCalls: perRequest(before.upstashScriptCalls, after.upstashScriptCalls, requests),
    writes: perRequest(before.upstashWrites, after.upstashWrites, requests),
  };
}

/**
 * Commands as Upstash bills them (https://upstash.com/docs/redis/overall/billing): every top-level command and every
 * `redis.call` inside a script, and each write once more per read region. `readRegions` 0 is a regional database.
 */
export function billedCommands(counts: UpstashCounts, readRegions: number): number {
  return counts.commands + counts.scriptCalls + readRegions * counts.writes;
}

/** `first - second`, field by field. */
export function subtractCounts(first: UpstashCounts, second: UpstashCounts): UpstashCounts {
  return {
    requests: first.requests - second.requests,
    primaryRequests: first.primaryRequests - second.primaryRequests,
    replicaRequests: first.replicaRequests - second.replicaRequests,
    commands: first.commands - second.commands,
    scriptCalls: first.scriptCalls - second.scriptCalls,
    writes: first.writes - second.writes,
  };
}
