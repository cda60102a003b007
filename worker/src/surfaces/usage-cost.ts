/**
 * The cost fields every final answer's `usage` carries (docs/api.md, "Cost"; OpenRouter's usage accounting), added to
 * a usage object a provider sent (native answers).
 */
import { usageCostFields, type RequestCost } from "../lib/cost.ts";

/** A usage object (as the provider sent it) with the cost fields added; a missing usage becomes just those. */
export function withUsageCost(usage: unknown, cost: RequestCost): Record<string, unknown> {
  const base = usage && typeof usage === "object" && !Array.isArray(usage) ? (usage as Record<string, unknown>) : {};
  return { ...base, ...usageCostFields(cost) };
}
