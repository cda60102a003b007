/**
 * Per-account rate limits of the dashboard API (`/api/*`), in Upstash Redis through @upstash/ratelimit (sliding
 * windows, one EVALSHA each). Every request spends the general budget; the expensive or sensitive actions also
 * spend their own, checked only once the general one passed:
 *
 * | budget | what | limit |
 * |---|---|---|
 * | `general` | every authenticated `/api` request | 120 per minute |
 * | `export` | `GET /api/account/export` | 5 per hour |
 * | `key-create` | `POST /api/keys` | 30 per hour |
 * | `key-change` | `PATCH` and `DELETE /api/keys/:id` (edit, revoke) | 60 per hour (revoking all 50 keys at once fits)
 * |
 * | `profile` | `PATCH /api/account`, `POST /api/account/confirm-age` | 20 per hour |
 * | `account-delete` | `DELETE /api/account` | 10 per hour (a mistyped confirmation is an attempt) |
 * | `usage-csv` | `GET /api/usage/events.csv` | 5 per minute (each export streams up to 100,000 rows from Postgres) |
 *
 * The identifier is the verified Clerk user id, so the limit is per account and one account never spends another's
 * budget. If Redis cannot answer within 2 s (or fails), the request is let through: these limits guard against
 * abuse, not money, and a Redis outage must not stop a user from exporting or deleting their account (policy 5).
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import { GatewayError } from "../errors.ts";

export type DashboardBudget =
  "general" | "export" | "key-create" | "key-change" | "profile" | "account-delete" | "usage-csv";

type Window = Parameters<typeof Ratelimit.slidingWindow>[1];

export const DASHBOARD_BUDGETS: Record<DashboardBudget, { requests: number; window: Window; what: string }> = {
  general: { requests: 120, window: "1 m", what: "dashboard API requests per minute" },
  export: { requests: 5, window: "1 h", what: "account exports per hour" },
  "key-create": { requests: 30, window: "1 h", what: "API key creations per hour" },
  "key-change": { requests: 60, window: "1 h", what: "API key edits and revocations per hour" },
  profile: { requests: 20, window: "1 h", what: "profile changes per hour" },
  "account-delete": { requests: 10, window: "1 h", what: "account deletion attempts per hour" },
  "usage-csv": { requests: 5, window: "1 m", what: "usage CSV exports per minute" },
};

const LIMIT_TIMEOUT_MS = 2_000;

/** The sensitive budget a route spends beside the general one (`path` without a trailing slash), or null. */
export function sensitiveBudget(method: string, path: string): DashboardBudget | null {
  if (method === "GET" && path === "/api/account/export") return "export";
  if (method === "POST" && path === "/api/keys") return "key-create";
  if ((method === "PATCH" || method === "DELETE") && /^\/api\/keys\/[^/]+$/.test(path)) return "key-change";
  if ((method === "PATCH" && path === "/api/account") || (method === "POST" && path === "/api/account/confirm-age"))
    return "profile";
  if (method === "DELETE" && path === "/api/account") return "account-delete";
  if (method === "GET" && path === "/api/usage/events.csv") return "usage-csv";
  return null;
}

const limiters = new WeakMap<Redis, Map<DashboardBudget, Ratelimit>>();

/**
 * One limiter per budget, per isolate and Redis client (one per configuration, services/redis.ts): the library keeps
 * its cache of blocked accounts in it.
 */
function limiterFor(redis: Redis, budget: DashboardBudget): Ratelimit {
  let byBudget = limiters.get(redis);
  if (!byBudget) limiters.set(redis, (byBudget = new Map()));
  let limiter = byBudget.get(budget);
  if (!limiter) {
    const { requests, window } = DASHBOARD_BUDGETS[budget];
    limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(requests, window),
      prefix: `omz:api-rl:${budget}`,
      timeout: LIMIT_TIMEOUT_MS,
      analytics: false,
    });
    byBudget.set(budget, limiter);
  }
  return limiter;
}

/**
 * Spends one request of the general budget and of the route's sensitive budget, if any, for `clerkUserId`. Throws
 * 429 `rate_limited` with `Retry-After` (seconds until the window frees a request) when one is used up.
 */
export async function enforceDashboardLimits(
  redis: Redis,
  clerkUserId: string,
  route: { method: string; path: string },
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<void> {
  const sensitive = sensitiveBudget(route.method, route.path);
  for (const budget of sensitive ? (["general", sensitive] as const) : (["general"] as const)) {
    const result = await limiterFor(redis, budget)
      .limit(clerkUserId)
      .catch((error: unknown) => {
        console.error(
          JSON.stringify({
            event: "dashboard-limit-failed",
            budget,
            name: error instanceof Error ? error.name : typeof error,
          }),
        );
        return null;
      });
    if (!result) return;
    waitUntil(result.pending.catch(() => undefined));
    if (!result.success) {
      const { requests, what } = DASHBOARD_BUDGETS[budget];
      const retryAfter = String(Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)));
      throw new GatewayError(
        "rate_limited",
        `Rate limit reached: ${requests} ${what} for this account; retry in ${retryAfter} s.`,
        {
          headers: { "retry-after": retryAfter, "x-ratelimit-limit": String(requests), "x-ratelimit-remaining": "0" },
        },
      );
    }
  }
}

/** The budgets' windows in milliseconds (they use "1 m" and "1 h" only). */
const windowMs = (window: Window): number => (window === "1 m" ? 60_000 : 3_600_000);

/**
 * The Redis keys @upstash/ratelimit's sliding windows hold for `clerkUserId` at `now` (`<prefix>:<id>:<window>`, the
 * current and the previous window of each budget, and the next in case of clock skew), so that deleting the account
 * leaves none behind without a SCAN of the keyspace.
 */
export function dashboardLimitKeys(clerkUserId: string, now: Date): string[] {
  return (Object.keys(DASHBOARD_BUDGETS) as DashboardBudget[]).flatMap((budget) => {
    const size = windowMs(DASHBOARD_BUDGETS[budget].window);
    const current = Math.floor(now.getTime() / size);
    return [current - 1, current, current + 1].map((window) => `omz:api-rl:${budget}:${clerkUserId}:${window}`);
  });
}
