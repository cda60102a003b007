/**
 * Optional counters of the local stand-ins: REST requests served by the Upstash stand-in (`GET /_omnizen/stats`;
 * under a geo profile also the commands Upstash would bill) and WebSocket connections bridged to Postgres by the
 * Neon bridge (`GET /_stats`). They show how many Redis round trips and Postgres connections each gateway request
 * costs. A stand-in without the endpoint yields undefined, and
 * the benchmark reports "n/a" instead of failing.
 */

/** Counter values at one moment (undefined when the stand-in does not offer the counter). */
export interface StandInCounters {
  upstashRequests: number | undefined;
  /** Commands as Upstash bills them, counted by the stand-in while a geo profile is on (see local/upstash). */
  upstashBilledCommands: number | undefined;
  postgresConnections: number | undefined;
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
  const [[upstashRequests, upstashBilledCommands], [postgresConnections]] = await Promise.all([
    readNumbers(`${endpoints.upstashUrl}/_omnizen/stats`, { authorization: `Bearer ${endpoints.upstashToken}` }, [
      "requests",
      "billedCommands",
    ]),
    endpoints.neonBridge
      ? readNumbers(`http://${endpoints.neonBridge}/_stats`, {}, ["connections"])
      : Promise.resolve([undefined]),
  ]);
  return { upstashRequests, upstashBilledCommands, postgresConnections };
}

/** `(after - before) / requests`, or NaN when a counter is unavailable. */
export function perRequest(before: number | undefined, after: number | undefined, requests: number): number {
  if (before === undefined || after === undefined || requests === 0) return Number.NaN;
  return (after - before) / requests;
}
