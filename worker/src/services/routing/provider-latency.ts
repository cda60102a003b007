/**
 * What `provider.sort: "latency"` ranks by: an exponentially weighted moving average (weight 0.2 for the newest
 * sample) of the time from the upstream call to its response headers, per provider, for streamed requests only (a
 * streamed answer's headers come with its first byte; a non-streamed one's only after the whole answer, which would
 * measure the answer's length instead). Kept in the isolate's memory (module scope: plain numbers, no IO), so each
 * isolate learns from its own traffic and starts with no measurement; an unmeasured provider ranks after the measured
 * ones, in catalog order. Honest limits: not shared across isolates or regions, and a provider that is never tried
 * gets no measurement until a fallback or another request reaches it.
 */
import type { ProviderId } from "../../providers/provider-ids.ts";

const WEIGHT = 0.2;

export interface ProviderLatency {
  record(provider: ProviderId, milliseconds: number): void;
  /** The average in milliseconds, or undefined before the first sample. */
  averageOf(provider: ProviderId): number | undefined;
}

export function createProviderLatency(): ProviderLatency {
  const averages = new Map<ProviderId, number>();
  return {
    record(provider, milliseconds) {
      if (!Number.isFinite(milliseconds) || milliseconds < 0) return;
      const previous = averages.get(provider);
      averages.set(provider, previous === undefined ? milliseconds : previous + WEIGHT * (milliseconds - previous));
    },
    averageOf: (provider) => averages.get(provider),
  };
}

/** The isolate's own measurements. */
export const isolateProviderLatency: ProviderLatency = createProviderLatency();
