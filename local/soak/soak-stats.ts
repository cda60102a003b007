/**
 * The soak's figures: per time window, requests, errors, latency p50/p99, the in-flight peak, and workerd's RSS and
 * CPU; over the run, the memory verdict (first window against the last, and a least-squares slope).
 */
import { percentile } from "../bench/stats.ts";

/** One finished request. */
export interface SoakSample {
  /** When it was sent, ms since the run started. */
  sentAt: number;
  latencyMs: number;
  ok: boolean;
}

/** One reading of workerd, ms since the run started. */
export interface ProcessReading {
  at: number;
  rssKib: number;
  cpuMs: number;
}

export interface SoakWindow {
  /** Window start, seconds since the run started. */
  fromSeconds: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** RSS at the window's last reading, MiB. */
  rssMib: number;
  /** workerd CPU over the window, percent of one core. */
  cpuPercent: number;
  /** The isolate's live JavaScript heap (after a full GC) at the window's last heap reading, MiB. */
  heapMib: number;
  /** The isolate's committed JavaScript heap at the same reading, MiB. */
  heapCommittedMib: number;
}

/** One reading of the isolate's live heap, ms since the run started. */
export interface HeapReading {
  at: number;
  mib: number;
  /** The heap V8 holds (Runtime.getHeapUsage totalSize), MiB; part of workerd's RSS. */
  committedMib?: number;
}

export function soakWindows(
  samples: readonly SoakSample[],
  readings: readonly ProcessReading[],
  windowMs: number,
  durationMs: number,
  heapReadings: readonly HeapReading[] = [],
): SoakWindow[] {
  const windows: SoakWindow[] = [];
  for (let from = 0; from < durationMs; from += windowMs) {
    const to = from + windowMs;
    const inside = samples.filter((sample) => sample.sentAt >= from && sample.sentAt < to);
    const latencies = inside.map((sample) => sample.latencyMs);
    const windowReadings = readings.filter((reading) => reading.at >= from && reading.at < to);
    const before = readings.filter((reading) => reading.at < from).at(-1) ?? windowReadings[0];
    const last = windowReadings.at(-1);
    const heapReading = heapReadings.filter((reading) => reading.at >= from && reading.at < to).at(-1);
    windows.push({
      fromSeconds: from / 1000,
      requests: inside.length,
      errors: inside.filter((sample) => !sample.ok).length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      rssMib: last ? last.rssKib / 1024 : Number.NaN,
      cpuPercent:
        last && before && last.at > before.at
          ? ((last.cpuMs - before.cpuMs) / (last.at - before.at)) * 100
          : Number.NaN,
      heapMib: heapReading?.mib ?? Number.NaN,
      heapCommittedMib: heapReading?.committedMib ?? Number.NaN,
    });
  }
  return windows;
}

export interface MemoryVerdict {
  /** RSS at the end of the warm-up (the last window starting within it), MiB. */
  warmMib: number;
  lastMib: number;
  /** Least-squares slope of RSS over the windows from the end of the warm-up on, MiB per minute. */
  slopeMibPerMinute: number;
  /** The allowed growth from the end of the warm-up to the last window, MiB. */
  boundMib: number;
  flat: boolean;
}

/**
 * Memory stays flat when the last window's RSS is at most `boundMib` above the RSS at the end of the warm-up
 * (`warmUpSeconds`: start-up, JIT and heap growth to its working size are not a leak). With no window after the
 * warm-up, the first window is the reference.
 */
export function memoryVerdict(windows: readonly SoakWindow[], boundMib: number, warmUpSeconds: number): MemoryVerdict {
  const measured = windows.filter((window) => Number.isFinite(window.rssMib));
  const warmIndex = Math.max(
    0,
    measured.findLastIndex((window) => window.fromSeconds < warmUpSeconds && window !== measured.at(-1)),
  );
  const warmMib = measured[warmIndex]?.rssMib ?? Number.NaN;
  const lastMib = measured.at(-1)?.rssMib ?? Number.NaN;
  const after = measured.slice(warmIndex);
  return {
    warmMib,
    lastMib,
    slopeMibPerMinute: slope(after.map((window) => [window.fromSeconds / 60, window.rssMib])),
    boundMib,
    flat: lastMib - warmMib <= boundMib,
  };
}

/** Least-squares slope of y over x; 0 for fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}
