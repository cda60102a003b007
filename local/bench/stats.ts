/**
 * Statistics helpers of the benchmark: percentiles of latency samples, a latency summary, and the latency the gateway
 * adds (gateway percentile minus direct percentile).
 */

/** The percentiles every latency summary reports. */
export const REPORTED_PERCENTILES = [50, 90, 99] as const;

/** One of {@link REPORTED_PERCENTILES}. */
export type ReportedPercentile = (typeof REPORTED_PERCENTILES)[number];

/** Summary of one distribution of latencies, in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Latency the gateway adds at each reported percentile, in milliseconds (may be negative within noise). */
export interface AddedLatency {
  p50: number;
  p90: number;
  p99: number;
}

/**
 * The `percentile`-th percentile (0..100) of already sorted ascending values, by linear interpolation between the
 * two closest ranks (the "type 7" definition used by numpy and spreadsheets). NaN for an empty array.
 */
export function percentileOfSorted(sortedValues: readonly number[], percentile: number): number {
  if (percentile < 0 || percentile > 100 || Number.isNaN(percentile)) {
    throw new RangeError(`percentile must be within 0..100, got ${percentile}`);
  }
  const count = sortedValues.length;
  if (count === 0) return Number.NaN;
  const position = (percentile / 100) * (count - 1);
  const lowerIndex = Math.floor(position);
  const upperIndex = Math.ceil(position);
  const lower = sortedValues[lowerIndex] ?? Number.NaN;
  const upper = sortedValues[upperIndex] ?? Number.NaN;
  return lower + (upper - lower) * (position - lowerIndex);
}

/** The `percentile`-th percentile (0..100) of unsorted values (the input is not modified). */
export function percentile(values: readonly number[], percentileRank: number): number {
  return percentileOfSorted(
    [...values].sort((left, right) => left - right),
    percentileRank,
  );
}

/** Count, mean, min, max and the reported percentiles of latency samples (NaN fields when there are none). */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((left, right) => left - right);
  const count = sorted.length;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count,
    mean: count === 0 ? Number.NaN : total / count,
    min: sorted[0] ?? Number.NaN,
    max: sorted[count - 1] ?? Number.NaN,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
  };
}

/**
 * What the gateway adds: each percentile of the gateway's distribution minus the same percentile of the direct
 * distribution. The requests are not paired, so this compares the two distributions, not per-request differences.
 */
export function addedLatency(gateway: LatencySummary, direct: LatencySummary): AddedLatency {
  return {
    p50: gateway.p50 - direct.p50,
    p90: gateway.p90 - direct.p90,
    p99: gateway.p99 - direct.p99,
  };
}

/** Requests per second for `requestCount` requests that took `elapsedMs` of wall time (NaN for no time). */
export function requestsPerSecond(requestCount: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (requestCount * 1000) / elapsedMs : Number.NaN;
}
