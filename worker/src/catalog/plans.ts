/**
 * Fair-use plans (policy 2). Limits are per account; an API key may lower them (api_keys.*_limit). The billing
 * issue sells Free, Pro and Team; `internal` is for staff, local development and the benchmark.
 */
export const PLAN_IDS = ["free", "pro", "team", "internal"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface PlanLimits {
  /** Requests per minute (fixed one-minute windows). */
  requestsPerMinute: number;
  /** Input + output tokens per minute. */
  tokensPerMinute: number;
  /** Requests in flight at once, streamed or not. */
  concurrentRequests: number;
}

export const PLANS: Record<PlanId, PlanLimits> = {
  free: { requestsPerMinute: 20, tokensPerMinute: 100_000, concurrentRequests: 2 },
  pro: { requestsPerMinute: 300, tokensPerMinute: 2_000_000, concurrentRequests: 20 },
  team: { requestsPerMinute: 1_000, tokensPerMinute: 10_000_000, concurrentRequests: 64 },
  internal: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, concurrentRequests: 10_000 },
};

export function planLimits(plan: string): PlanLimits {
  return (PLANS as Record<string, PlanLimits | undefined>)[plan] ?? PLANS.free;
}
