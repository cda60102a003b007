/**
 * What a request costs, as every answer reports it (docs/api.md, "Cost"): the billed total in integer micro-USD
 * (equal to the usage row's `cost_micro_usd`) and its parts by kind of token, in USD before the one rounding-up.
 */
export interface RequestCost {
  /** The billed total: integer micro-USD, the usage row's `cost_micro_usd`. */
  microUsd: number;
  /**
   * Parts in USD, unrounded: they sum to the total before it was rounded up to the next micro-USD. `reasoning` is the
   * share of `output` spent on reasoning tokens (already inside `output`, not added again). A prompt-cache hit has
   * only `cacheRead`.
   */
  parts: { input: number; cacheRead: number; cacheWrite: number; output: number; reasoning: number };
}

export const zeroCost: RequestCost = {
  microUsd: 0,
  parts: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
};

/** The total in USD, as a JSON number (`usage.cost`). */
export const costUsd = (cost: RequestCost): number => cost.microUsd / 1_000_000;
