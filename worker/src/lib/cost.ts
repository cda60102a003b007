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

/**
 * The total in USD as a decimal string (the `x-omnizen-cost` header): the same number as `usage.cost` in the body,
 * written from the integer micro-USD so it never takes an exponent (`0.000001`, not `1e-6`).
 */
export function costUsdText(cost: RequestCost): string {
  const micro = Math.max(0, Math.trunc(cost.microUsd));
  const whole = Math.floor(micro / 1_000_000);
  const fraction = String(micro % 1_000_000)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return fraction === "" ? String(whole) : `${whole}.${fraction}`;
}

/** OpenRouter-style cost fields of a usage object (docs/api.md, "Cost"): USD, the parts unrounded. */
export interface UsageCostFields {
  cost: number;
  cost_details: { input: number; cache_read: number; cache_write: number; output: number; reasoning: number };
}

export function usageCostFields(cost: RequestCost): UsageCostFields {
  const { input, cacheRead, cacheWrite, output, reasoning } = cost.parts;
  return {
    cost: costUsd(cost),
    cost_details: { input, cache_read: cacheRead, cache_write: cacheWrite, output, reasoning },
  };
}
