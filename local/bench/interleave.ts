/**
 * Runs the two paths interleaved in one run: a slice of requests goes through the gateway, then the same number
 * directly to the simulator, then the gateway again, and so on, so machine noise hits both paths alike. Within a
 * slice, `concurrency` workers send requests back to back (a closed loop), so each path sees exactly its own
 * concurrency. At concurrency 1 a slice is one request: strict alternation.
 */
import { isFailure, type BenchClient, type PreparedRequest, type TimedResponse } from "./http-client.ts";
import { ownCpuMs } from "./process-usage.ts";
import type { RequestPath } from "./request-bodies.ts";

/** What one path observed in an interleaved run. */
export interface PathObservations {
  /** Successful (2xx) responses, in completion order. */
  responses: TimedResponse[];
  /** Non-2xx answers by status. */
  statusCounts: Record<string, number>;
  /** Requests that failed without an answer, by reason. */
  failureCounts: Record<string, number>;
  /** Wall time spent in this path's slices, in milliseconds. */
  wallMs: number;
  /** CPU time of this Node process during this path's slices, in milliseconds. */
  nodeCpuMs: number;
  /** Requests sent. */
  sent: number;
}

/** Options of {@link runInterleaved}. */
export interface InterleaveOptions {
  client: BenchClient;
  concurrency: number;
  requestsPerPath: number;
  /** Requests per slice of one path (1 for strict alternation). */
  sliceSize: number;
  /** Builds the `index`-th request of `path` (index counts from 0 per path). */
  prepare: (path: RequestPath, index: number) => PreparedRequest;
}

function emptyObservations(): PathObservations {
  return { responses: [], statusCounts: {}, failureCounts: {}, wallMs: 0, nodeCpuMs: 0, sent: 0 };
}

/** Sends `count` requests of one path with `concurrency` workers and waits for all of them. */
async function runSlice(
  options: InterleaveOptions,
  path: RequestPath,
  count: number,
  observations: PathObservations,
): Promise<void> {
  const firstIndex = observations.sent;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = firstIndex + next;
      next += 1;
      const result = await options.client.send(options.prepare(path, index));
      if (isFailure(result)) {
        observations.failureCounts[result.error] = (observations.failureCounts[result.error] ?? 0) + 1;
      } else if (result.status >= 200 && result.status < 300) {
        observations.responses.push(result);
      } else {
        const status = String(result.status);
        observations.statusCounts[status] = (observations.statusCounts[status] ?? 0) + 1;
      }
    }
  };
  const startedWall = performance.now();
  const startedCpu = ownCpuMs();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, () => worker()));
  observations.nodeCpuMs += ownCpuMs() - startedCpu;
  observations.wallMs += performance.now() - startedWall;
  observations.sent += count;
}

/**
 * Requests per slice: one at concurrency 1 (strict alternation); otherwise up to 8 closed-loop rounds, but small
 * enough that each path gets at least 4 slices, and never less than one round.
 */
export function sliceSizeFor(concurrency: number, requestsPerPath: number): number {
  if (concurrency === 1) return 1;
  return Math.max(concurrency, Math.min(concurrency * 8, Math.floor(requestsPerPath / 4)));
}

/** Runs both paths, slice by slice, gateway first, until each has sent `requestsPerPath` requests. */
export async function runInterleaved(options: InterleaveOptions): Promise<Record<RequestPath, PathObservations>> {
  const observed: Record<RequestPath, PathObservations> = { gateway: emptyObservations(), direct: emptyObservations() };
  while (observed.gateway.sent < options.requestsPerPath) {
    const count = Math.min(options.sliceSize, options.requestsPerPath - observed.gateway.sent);
    await runSlice(options, "gateway", count, observed.gateway);
    await runSlice(options, "direct", count, observed.direct);
  }
  return observed;
}

/** Non-2xx answers plus failures of one path. */
export function errorCount(observations: PathObservations): number {
  const sum = (counts: Record<string, number>): number =>
    Object.values(counts).reduce((total, count) => total + count, 0);
  return sum(observations.statusCounts) + sum(observations.failureCounts);
}
