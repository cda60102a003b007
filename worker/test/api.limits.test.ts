/**
 * Per-account rate limits on the dashboard API (docs/api.md; services/dashboard-limits.ts): each budget refuses
 * the request after its limit with a 429 in /api's (OpenAI) error shape and a Retry-After, and one account's spending
 * never touches another's budget.
 */
import { describe, expect, it } from "vitest";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { DASHBOARD_BUDGETS, type DashboardBudget } from "../src/services/dashboard-limits.ts";
import { expectContract } from "./support/contract.ts";
import { dashboardFetch, seedDashboardUser, type DashboardUser } from "./support/dashboard.ts";

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** A request of each sensitive budget that does its real work (or is refused by validation) but never a 5xx. */
const CALLS: Record<Exclude<DashboardBudget, "general">, (index: number) => Call> = {
  export: () => ({ method: "GET", path: "/api/account/export" }),
  "key-create": (index) => ({ method: "POST", path: "/api/keys", body: { name: `k${index}` } }),
  "key-change": () => ({ method: "PATCH", path: `/api/keys/${crypto.randomUUID()}`, body: { name: "x" } }),
  profile: (index) => ({ method: "PATCH", path: "/api/account", body: { name: `Name ${index}` } }),
  "account-delete": () => ({
    method: "DELETE",
    path: "/api/account",
    body: { confirm: "not-my-address@omnizen.test" },
  }),
  "usage-csv": () => ({
    method: "GET",
    path: "/api/usage/events.csv?from=2026-03-01T00%3A00%3A00Z&to=2026-03-02T00%3A00%3A00Z",
  }),
};

async function call(user: DashboardUser, request: Call): Promise<Response> {
  return dashboardFetch(request.path, user.token, {
    method: request.method,
    ...(request.body !== undefined && { body: request.body }),
  });
}

/** 429 `rate_limited` in OpenAI's shape, with a positive Retry-After no longer than the budget's window. */
async function expectLimited(response: Response, budget: DashboardBudget): Promise<void> {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(DASHBOARD_BUDGETS[budget].window === "1 m" ? 60 : 3600);
  expect(response.headers.get("x-ratelimit-limit")).toBe(String(DASHBOARD_BUDGETS[budget].requests));
  expect(expectContract(errorBodySchema, await response.json())).toEqual({
    error: {
      message: expect.stringContaining(`${DASHBOARD_BUDGETS[budget].requests} ${DASHBOARD_BUDGETS[budget].what}`),
      type: "rate_limit_error",
      param: null,
      code: "rate_limited",
    },
  });
}

/**
 * Waits, if needed, until the current window has `margin` ms left: a sliding window weighs the previous window's
 * requests by how much of it still overlaps, so a burst that straddles the boundary would be let past its limit.
 */
async function awayFromWindowEdge(windowMs: number, margin: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("dashboard API rate limits", () => {
  for (const [budget, make] of Object.entries(CALLS) as Array<
    [Exclude<DashboardBudget, "general">, (index: number) => Call]
  >) {
    it(`${budget}: ${DASHBOARD_BUDGETS[budget].requests} per window, then 429; another account is unaffected`, async () => {
      const user = await seedDashboardUser();
      const other = await seedDashboardUser();
      const { requests, window } = DASHBOARD_BUDGETS[budget];
      if (window === "1 m") await awayFromWindowEdge(60_000, 15_000);
      for (let index = 0; index < requests; index++) {
        const response = await call(user, make(index));
        expect(response.status, `request ${index + 1} of ${requests}`).toBeLessThan(429);
        await response.arrayBuffer();
      }
      await expectLimited(await call(user, make(requests)), budget);
      // Other routes of the same account only spend the general budget.
      expect((await dashboardFetch("/api/account", user.token)).status).toBe(200);
      // Another account's budget is whole.
      const response = await call(other, make(0));
      expect(response.status).toBeLessThan(429);
    });
  }

  it(
    `general: ${DASHBOARD_BUDGETS.general.requests} requests per minute on any route, then 429; another account is unaffected`,
    { timeout: 60_000 },
    async () => {
      const user = await seedDashboardUser();
      const other = await seedDashboardUser();
      const { requests } = DASHBOARD_BUDGETS.general;
      await awayFromWindowEdge(60_000, 20_000);
      // In waves of 20: the budget counts requests, not concurrency, and 120 at once would each open a Postgres
      // connection through the local bridge, past the local server's max_connections when the machine is busy.
      const statuses: number[] = [];
      for (let wave = 0; wave < requests; wave += 20) {
        const size = Math.min(20, requests - wave);
        const fetched = Array.from({ length: size }, (_, index) =>
          dashboardFetch((wave + index) % 2 === 0 ? "/api/account" : "/api/keys", user.token).then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          }),
        );
        statuses.push(...(await Promise.all(fetched)));
      }
      expect(statuses.every((status) => status === 200)).toBe(true);
      await expectLimited(await dashboardFetch("/api/keys", user.token), "general");
      // A sensitive route is refused by the general budget too, before spending its own.
      await expectLimited(await call(user, CALLS.export(0)), "general");
      expect((await dashboardFetch("/api/account", other.token)).status).toBe(200);
    },
  );
});
