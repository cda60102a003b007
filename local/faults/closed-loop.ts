/**
 * A closed-loop load: `concurrency` workers send requests 0..count-1 in order, each waiting for the previous
 * answer. `gate(index)` may hold a request back (e.g. until a fault window ends), so a fault test can place requests
 * before, during and after the fault.
 */
import { BenchClient, isFailure, type FailedRequest, type TimedResponse } from "../bench/http-client.ts";
import type { MixedRequest } from "../load/request-mix.ts";

export interface LoadResult {
  index: number;
  startedAt: number;
  endedAt: number;
  outcome: TimedResponse | FailedRequest;
}

export async function closedLoop(options: {
  count: number;
  concurrency: number;
  request: (index: number) => MixedRequest;
  gate?: (index: number) => Promise<void>;
  onDone?: (completed: number) => void;
}): Promise<LoadResult[]> {
  const client = new BenchClient({ maxSockets: options.concurrency, timeoutMs: 30_000 });
  const results: LoadResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < options.count; index = next++) {
      await options.gate?.(index);
      const startedAt = Date.now();
      const outcome = await client.send(options.request(index).prepared);
      results.push({ index, startedAt, endedAt: Date.now(), outcome });
      options.onDone?.(results.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    client.close();
  }
  return results.sort((a, b) => a.index - b.index);
}

/** Counts answers by status (failures by their error name). */
export function countStatuses(results: readonly LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of results) {
    const key = isFailure(outcome) ? `failed: ${outcome.error}` : String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
