/**
 * Which phases a benchmark run measures, with fixed request counts for a full run and for `--quick`.
 */
import type { PhaseSpec } from "./measure-phase.ts";
import type { BodySize } from "./request-bodies.ts";

/** Request counts per path of one concurrency level. */
interface Counts {
  requests: number;
  warmup: number;
}

/** Counts per concurrency level, for each mode. */
const COUNTS: Record<"full" | "quick", Record<1 | 16 | 64, Counts> & { largeFactor: number }> = {
  full: {
    1: { requests: 400, warmup: 50 },
    16: { requests: 2000, warmup: 200 },
    64: { requests: 2000, warmup: 320 },
    largeFactor: 0.5,
  },
  quick: {
    1: { requests: 60, warmup: 10 },
    16: { requests: 128, warmup: 32 },
    64: { requests: 192, warmup: 64 },
    largeFactor: 0.5,
  },
};

/** Id of the phase the c=1 latency and CPU targets are evaluated on. */
export const BASELINE_PHASE_ID = "small-c1";

/** Id of the cache-hit phase (only run when the gateway answers `x-omnizen-cache: HIT`). */
export const CACHE_PHASE_ID = "cache-hit-c1";

/** Id of the cache-hit phase against an upstream with a model's latency; the cache target is evaluated on it. */
export const CACHE_VS_MODEL_PHASE_ID = "cache-hit-vs-model-c1";

/** Id of the same-I/O floor phase (the floor worker against the direct path). */
export const IO_FLOOR_PHASE_ID = "io-floor-c1";

/**
 * The upstream latency of the cache-vs-model phase, in ms: far below any real model's (network to the provider's
 * region plus inference take tens to hundreds of ms), so it understates what a hit saves.
 */
export const MODEL_LATENCY_MS = 25;

/** The cache-miss phases of a run: small and ~100 KB bodies at concurrency 1, 16 and 64, then streaming at c=1. */
export function missPhases(quick: boolean): PhaseSpec[] {
  const counts = COUNTS[quick ? "quick" : "full"];
  const phases: PhaseSpec[] = [];
  for (const size of ["small", "large"] as BodySize[]) {
    for (const concurrency of [1, 16, 64] as const) {
      const factor = size === "large" && concurrency > 1 ? counts.largeFactor : 1;
      phases.push({
        kind: "chat",
        id: `${size}-c${concurrency}`,
        label: `${size === "small" ? "small" : "100 KB"}, c=${concurrency}`,
        size,
        stream: false,
        prompt: "unique",
        concurrency,
        requestsPerPath: Math.round(counts[concurrency].requests * factor),
        warmupPerPath: counts[concurrency].warmup,
      });
    }
  }
  phases.push({
    kind: "chat",
    id: "stream-c1",
    label: "stream TTFB, c=1",
    size: "small",
    stream: true,
    prompt: "unique",
    concurrency: 1,
    ...perPath(counts[1]),
  });
  return phases;
}

/**
 * The floor: `GET /healthz` on the gateway and on the simulator, so "added" is the workerd hop with no gateway work.
 */
export function floorPhase(quick: boolean): PhaseSpec {
  const counts = COUNTS[quick ? "quick" : "full"];
  return {
    kind: "health",
    id: "healthz-c1",
    label: "GET /healthz (floor), c=1",
    size: "small",
    stream: false,
    prompt: "unique",
    concurrency: 1,
    ...perPath(counts[1]),
  };
}

/**
 * The cache-hit phases: one fixed prompt, so every gateway request after the first is answered from the cache. The
 * first compares with the simulator answering at once (a zero-latency "model"), the second with the simulator
 * answering after {@link MODEL_LATENCY_MS}.
 */
export function cachePhases(quick: boolean): PhaseSpec[] {
  const counts = COUNTS[quick ? "quick" : "full"];
  const base = {
    kind: "chat",
    size: "small",
    stream: false,
    prompt: "fixed",
    concurrency: 1,
    ...perPath(counts[1]),
  } as const;
  return [
    { ...base, id: CACHE_PHASE_ID, label: "cache hit, c=1" },
    {
      ...base,
      id: CACHE_VS_MODEL_PHASE_ID,
      label: `cache hit vs ${MODEL_LATENCY_MS} ms model, c=1`,
      upstreamStallMs: MODEL_LATENCY_MS,
    },
  ];
}

/**
 * The same-I/O floor: small non-streamed requests at c=1 to a worker that does the gateway's I/O and nothing else,
 * against the direct path. Its "added" is what workerd and the stand-ins cost; the gateway's added minus it is what
 * omnizen's code costs.
 */
export function ioFloorPhase(quick: boolean): PhaseSpec {
  const counts = COUNTS[quick ? "quick" : "full"];
  return {
    kind: "chat",
    id: IO_FLOOR_PHASE_ID,
    label: "same-I/O floor worker, small, c=1",
    size: "small",
    stream: false,
    prompt: "unique",
    concurrency: 1,
    gatewayTarget: "io-floor",
    ...perPath(counts[1]),
  };
}

function perPath(counts: Counts): Pick<PhaseSpec, "requestsPerPath" | "warmupPerPath"> {
  return { requestsPerPath: counts.requests, warmupPerPath: counts.warmup };
}
