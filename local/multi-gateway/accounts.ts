/**
 * Accounts for the multi-gateway tests: a user (linked to a fresh Clerk id, so the dashboard API answers for it) with
 * a plan, a credit balance granted through the ledger, and one API key with its own limits; changes made the way the
 * dashboard makes them (`PATCH` / `DELETE /api/keys/:id` on one gateway process: the same code path that updates
 * Postgres and invalidates the edge's key record), and plan changes the way billing makes them (the worker's
 * services/billing/plan-changes.ts, run here against the same Postgres and the Upstash stand-in); and the account's
 * credit as docs/credit.md defines it (Postgres balance, ledger, usage rows, and what Redis holds: the counter, live
 * reservations, undrained usage, concurrency slots).
 */
import { randomBytes } from "node:crypto";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis as WorkerRedis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "../../db/schema.ts";
import type { SoldPlanId } from "../../worker/src/catalog/billing-catalog.ts";
import { topUpLocalAccount } from "../ledger-credit.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../../worker/src/lib/api-key.ts";
import { activatePlan, endPlan, type PlanChangeDeps } from "../../worker/src/services/billing/plan-changes.ts";
import { signSessionToken } from "../../worker/src/services/identity/dev-session.ts";
import { accountBalanceSql } from "../../worker/src/services/usage/post-usage.ts";
import { DASHBOARD_ORIGIN, type MultiGateway } from "./multi-gateway.ts";

/** A key's own fair-use limits (null or absent: the plan's). */
export interface KeyLimits {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  concurrentRequests?: number | null;
}

export interface TestAccount {
  userId: string;
  clerkUserId: string;
  keyId: string;
  apiKey: string;
}

/** Creates a user on `plan` with `balanceMicroUsd` of credit (a ledger entry) and one key with `keyLimits`. */
export async function createAccount(
  harness: MultiGateway,
  options: { plan?: string; balanceMicroUsd: number; keyLimits?: KeyLimits },
): Promise<TestAccount> {
  const clerkUserId = `user_multi_${randomBytes(8).toString("hex")}`;
  const user = await harness.postgres.query<{ id: string }>(
    `INSERT INTO users (clerk_user_id, email, name, plan, age_confirmed_at)
     VALUES ($1, $2, 'Multi-gateway test', $3, now()) RETURNING id`,
    [clerkUserId, `${clerkUserId}@omnizen.test`, options.plan ?? "internal"],
  );
  const userId = user.rows[0]?.id;
  if (!userId) throw new Error("creating the test user returned no row");
  if (options.balanceMicroUsd > 0)
    await topUpLocalAccount(harness.postgres, userId, options.balanceMicroUsd, "multi-gateway");
  const apiKey = generateApiKey();
  const limits = options.keyLimits ?? {};
  const key = await harness.postgres.query<{ id: string }>(
    `INSERT INTO api_keys (user_id, name, key_hash, prefix, requests_per_minute_limit, tokens_per_minute_limit,
       concurrent_requests_limit)
     VALUES ($1, 'multi-gateway', $2, $3, $4, $5, $6) RETURNING id`,
    [
      userId,
      await hashApiKey(apiKey),
      displayPrefix(apiKey),
      limits.requestsPerMinute ?? null,
      limits.tokensPerMinute ?? null,
      limits.concurrentRequests ?? null,
    ],
  );
  const keyId = key.rows[0]?.id;
  if (!keyId) throw new Error("creating the test key returned no row");
  return { userId, clerkUserId, keyId, apiKey };
}

/** Calls the dashboard API of gateway `index` as the account's owner; throws unless it answers 2xx. */
async function dashboard(
  harness: MultiGateway,
  account: TestAccount,
  method: "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  index = 0,
): Promise<void> {
  const privateKey = harness.bindings.DEV_SIGNING_KEY;
  const gateway = harness.gateways[index];
  if (!privateKey || !gateway) throw new Error("no signing key or no such gateway");
  const { token } = await signSessionToken(privateKey, {
    clerkUserId: account.clerkUserId,
    authorizedParty: DASHBOARD_ORIGIN,
  });
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
}

/** Revokes the account's key through the dashboard API of gateway `index`. */
export function revokeKey(harness: MultiGateway, account: TestAccount, index = 0): Promise<void> {
  return dashboard(harness, account, "DELETE", `/api/keys/${account.keyId}`, undefined, index);
}

/** Changes the key's limits through the dashboard API of gateway `index`. */
export function changeKeyLimits(
  harness: MultiGateway,
  account: TestAccount,
  limits: KeyLimits,
  index = 0,
): Promise<void> {
  return dashboard(harness, account, "PATCH", `/api/keys/${account.keyId}`, { limits }, index);
}

/**
 * Moves the account to `plan` as a paid period starting (activatePlan) or a subscription ending (endPlan, to free)
 * does: the users row, then every key record of the account invalidated in Redis. Resolves when the first
 * invalidation is done (the second, a few seconds later, runs in the background as in the worker).
 */
export async function changePlan(harness: MultiGateway, account: TestAccount, plan: SoldPlanId): Promise<void> {
  const redis = new UpstashRedis({
    url: harness.stack.upstashUrl,
    token: harness.bindings.UPSTASH_REDIS_REST_TOKEN ?? "",
    enableAutoPipelining: false,
  });
  const deps: PlanChangeDeps = {
    // The worker's queries on node-postgres instead of Neon's driver: the same SQL against the same database.
    db: drizzle({ client: harness.postgres, schema }) as unknown as PlanChangeDeps["db"],
    redis: redis as unknown as WorkerRedis,
    background: { waitUntil: (work) => void work.catch(() => undefined) },
  };
  if (plan === "free") await endPlan(deps, account.userId, new Date());
  else await activatePlan(deps, account.userId, plan);
}

/** The account's credit in Postgres and in Redis (micro-USD; docs/credit.md "The invariant"). */
export interface CreditState {
  /** `credit_balance_micro_usd`: the posted balance. */
  posted: number;
  /** The Postgres balance: posted less the cost of usage rows not yet posted (accountBalanceSql). */
  postgresBalance: number;
  /** The sum of the account's credit_ledger rows (equals `posted` when the ledger adds up). */
  ledgerSum: number;
  usageRows: number;
  usageCost: number;
  /** `omz:credit:<user>`, the live balance; null when the counter does not exist. */
  counter: number | null;
  /** The reservations held in `omz:resv:<user>`: their count and their sum. */
  reservations: { count: number; microUsd: number };
  /** `omz:undrained:<user>`: usage queued in Redis, not yet in Postgres. */
  undrained: number;
}

export async function readCredit(harness: MultiGateway, userId: string): Promise<CreditState> {
  const result = await harness.database.execute<Record<string, string | null>>(sql`
    SELECT users.credit_balance_micro_usd AS posted, ${accountBalanceSql} AS balance,
      (SELECT coalesce(sum(amount_micro_usd), 0) FROM credit_ledger WHERE credit_ledger.user_id = users.id) AS ledger,
      (SELECT count(*) FROM usage_events WHERE usage_events.user_id = users.id) AS usage_rows,
      (SELECT coalesce(sum(cost_micro_usd), 0) FROM usage_events WHERE usage_events.user_id = users.id) AS usage_cost
    FROM users WHERE users.id = ${userId}`);
  const row = result.rows[0];
  if (!row) throw new Error("no such user");
  const [counter, reservations, undrained] = await Promise.all([
    harness.redis.get(`omz:credit:${userId}`),
    harness.redis.hgetall(`omz:resv:${userId}`),
    harness.redis.get(`omz:undrained:${userId}`),
  ]);
  const held = Object.values(reservations).map((value) => Number(value.split(":")[0]) || 0);
  return {
    posted: Number(row.posted),
    postgresBalance: Number(row.balance),
    ledgerSum: Number(row.ledger),
    usageRows: Number(row.usage_rows),
    usageCost: Number(row.usage_cost),
    counter: counter === null ? null : Number(counter),
    reservations: { count: held.length, microUsd: held.reduce((sum, value) => sum + value, 0) },
    undrained: Number(undrained ?? 0),
  };
}

/** Entries of a Redis key whatever its type (hash, sorted set, set, list, string; 0 when absent). */
async function entryCount(harness: MultiGateway, key: string): Promise<number> {
  const type = await harness.redis.type(key);
  if (type === "hash") return harness.redis.hlen(key);
  if (type === "zset") return harness.redis.zcard(key);
  if (type === "set") return harness.redis.scard(key);
  if (type === "list") return harness.redis.llen(key);
  return type === "none" ? 0 : 1;
}

/** What the account still holds in Redis for requests in flight: reservations and concurrency slots. */
export async function heldInRedis(
  harness: MultiGateway,
  account: TestAccount,
): Promise<{ reservations: number; accountSlots: number; keySlots: number }> {
  const [reservations, accountSlots, keySlots] = await Promise.all([
    entryCount(harness, `omz:resv:${account.userId}`),
    entryCount(harness, `omz:cc:${account.userId}`),
    entryCount(harness, `omz:cck:${account.keyId}`),
  ]);
  return { reservations, accountSlots, keySlots };
}
