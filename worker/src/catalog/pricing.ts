import type { NormalizedUsage } from "../providers/types.ts";
import type { ModelEntry, Price } from "./types.ts";

/** The price in force at `at`: the latest scheduled change already effective, else the base price. */
export function priceAt(model: ModelEntry, at: Date): Price {
  let current = model.price;
  for (const change of model.priceChanges ?? []) {
    if (Date.parse(`${change.effectiveFrom}T00:00:00Z`) <= at.getTime()) current = change.price;
  }
  return current;
}

/**
 * Cost in integer micro-USD: normalised usage x the catalog price, rounded up to the next micro-USD so that the sum
 * of charges never undercuts the providers' bills. Reasoning tokens are inside `output` and not charged twice.
 */
export function computeCostMicroUsd(usage: NormalizedUsage, price: Price): number {
  const picoUsd =
    usage.inputUncached * price.input +
    usage.cacheRead * price.cachedInput +
    usage.cacheWrite * (price.cacheWrite ?? price.input) +
    usage.output * price.output;
  return Math.ceil(picoUsd / 1_000_000);
}
