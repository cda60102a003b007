/**
 * Orders and narrows a request's candidate routes (every route of the request's model, then of each fallback model,
 * already limited to the allowed jurisdictions) by its provider preferences. Pure; the steps, in order:
 * 1. `only` keeps, `ignore` drops routes by provider;
 * 2. `sort`: `price` puts the cheapest first (`costOf`: what the request costs at most on the route's model),
 *    `latency` the fastest first (`latencyOf`: the observed average; routes without a measurement follow the measured
 *    ones in their list order);
 * 3. `order`: the listed providers' routes first, in the listed order; the rest after them;
 * 4. `allow_fallbacks: false`: only the `order` providers' routes, or without `order` only the first route's
 *    provider's.
 * Every sort is stable: equal routes keep the list order (the request's model first, then `models`, each in
 * catalog route order).
 */
import type { ProviderId } from "../../providers/provider-ids.ts";
import type { ProviderPreferences } from "./routing-preferences.ts";

export interface RankingInputs<Candidate> {
  providerOf(candidate: Candidate): ProviderId;
  /** Micro-USD the request costs at most on this candidate; used by `sort: "price"`. */
  costOf(candidate: Candidate): number;
  /** Observed milliseconds to the upstream's headers, or undefined when unknown; used by `sort: "latency"`. */
  latencyOf(candidate: Candidate): number | undefined;
}

function stableSortBy<Candidate>(candidates: Candidate[], key: (candidate: Candidate) => number): Candidate[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, key: key(candidate) }))
    .sort((left, right) => left.key - right.key || left.index - right.index)
    .map(({ candidate }) => candidate);
}

export function applyProviderPreferences<Candidate>(
  candidates: readonly Candidate[],
  preferences: ProviderPreferences,
  inputs: RankingInputs<Candidate>,
): Candidate[] {
  const { providerOf } = inputs;
  let ranked = candidates.filter(
    (candidate) =>
      (!preferences.only || preferences.only.includes(providerOf(candidate))) &&
      !preferences.ignore?.includes(providerOf(candidate)),
  );
  if (preferences.sort === "price") ranked = stableSortBy(ranked, inputs.costOf);
  if (preferences.sort === "latency") {
    ranked = stableSortBy(ranked, (candidate) => inputs.latencyOf(candidate) ?? Number.POSITIVE_INFINITY);
  }
  const order = preferences.order;
  if (order && order.length > 0) {
    const rank = (candidate: Candidate) => {
      const index = order.indexOf(providerOf(candidate));
      return index === -1 ? order.length : index;
    };
    ranked = stableSortBy(ranked, rank);
  }
  if (!preferences.allowFallbacks) {
    const first = ranked[0];
    const kept: readonly ProviderId[] = order && order.length > 0 ? order : first ? [providerOf(first)] : [];
    ranked = ranked.filter((candidate) => kept.includes(providerOf(candidate)));
  }
  return ranked;
}
