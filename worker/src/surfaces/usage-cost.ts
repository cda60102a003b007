/**
 * The cost fields every final answer's `usage` carries (docs/api.md, "Cost"; OpenRouter's usage accounting):
 * `cost` in USD (exactly the usage row's micro-USD / 1e6) and `cost_details` by kind of token, in USD.
 */
import { costUsd, type RequestCost } from "../lib/cost.ts";

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

/** A usage object (as the provider sent it) with the cost fields added; a missing usage becomes just those. */
export function withUsageCost(usage: unknown, cost: RequestCost): Record<string, unknown> {
  const base = usage && typeof usage === "object" && !Array.isArray(usage) ? (usage as Record<string, unknown>) : {};
  return { ...base, ...usageCostFields(cost) };
}
