/**
 * The browser tests' account: the user `POST /api/dev/sign-in` signs in (`local_dev_user`), and the fake Clerk's
 * user with the same id, email and password (local/browser/clerk-front.ts), reset before each flow to a fresh account
 * with credit and no age confirmation yet, so the flow meets the age gate and can delete it.
 */
import pg from "pg";
import { dashboardLimitKeys } from "../../worker/src/services/dashboard-limits.ts";
import { topUpLocalAccount } from "../ledger-credit.ts";

export const TEST_ACCOUNT = {
  clerkUserId: "local_dev_user",
  email: "browser@omnizen.test",
  /** The fake Clerk's password for the account (a test value, never a real one). */
  password: "omnizen-browser-test-password",
  name: "Nusrat Jahan",
  creditMicroUsd: 10_000_000,
} as const;

/** The Upstash stand-in the worker uses (its REST API reaches Redis, or the embedded backend without one). */
export interface UpstashEndpoint {
  url: string;
  token: string;
}

/** One Redis command through the Upstash REST API. */
export async function redisCommand(upstash: UpstashEndpoint, command: string[]): Promise<unknown> {
  const response = await fetch(upstash.url, {
    method: "POST",
    headers: { authorization: `Bearer ${upstash.token}`, "content-type": "application/json" },
    body: JSON.stringify(command),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (!response.ok || body.error) throw new Error(`${command[0]} failed: ${body.error ?? `HTTP ${response.status}`}`);
  return body.result;
}

/** Where the tests reach the account's stores. */
export interface AccountStores {
  databaseUrl: string;
  upstash: UpstashEndpoint;
  /** The resettable fake Clerk (clerk-front.ts). */
  clerkFakeUrl: string;
}

/**
 * Deletes the account (rows cascade) and its Clerk tombstone, then inserts it afresh; the fake Clerk starts over
 * with the account's email.
 */
export async function resetAccount(stores: AccountStores): Promise<string> {
  const { databaseUrl, upstash } = stores;
  const reset = await fetch(`${stores.clerkFakeUrl}/_browser/reset`, { method: "POST" });
  if (!reset.ok) throw new Error(`resetting the fake Clerk failed: HTTP ${reset.status} ${await reset.text()}`);
  // Every flow signs in as the same Clerk user, and the dashboard's rate limits are per Clerk user: a fresh account
  // starts with fresh budgets, so one test's traffic never spends the next one's.
  await redisCommand(upstash, [
    "DEL",
    `omz:clerk-deleted:${TEST_ACCOUNT.clerkUserId}`,
    ...dashboardLimitKeys(TEST_ACCOUNT.clerkUserId, new Date()),
  ]);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("DELETE FROM users WHERE clerk_user_id = $1", [TEST_ACCOUNT.clerkUserId]);
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO users (clerk_user_id, email, name, plan) VALUES ($1, $2, $3, 'internal') RETURNING id`,
      [TEST_ACCOUNT.clerkUserId, TEST_ACCOUNT.email, TEST_ACCOUNT.name],
    );
    const userId = inserted.rows[0]?.id ?? "";
    if (userId) await topUpLocalAccount(client, userId, TEST_ACCOUNT.creditMicroUsd, "browser");
    return userId;
  } finally {
    await client.end();
  }
}

/** Empties the browser tests' own Redis database (browserTestInfrastructure), once per run. */
export async function flushTestRedis(upstash: UpstashEndpoint): Promise<void> {
  await redisCommand(upstash, ["FLUSHDB"]);
}

/** Runs the gateway's cron once (usage drain and settlement), as `npm run dev` does every 2 s. */
export async function runCron(gatewayUrl: string): Promise<void> {
  const response = await fetch(`${gatewayUrl}/__scheduled?cron=*+*+*+*+*`);
  await response.arrayBuffer();
}

/** A dashboard session token for the test account, from the gateway's local sign-in. */
export async function sessionToken(gatewayUrl: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/api/dev/sign-in`, { method: "POST" });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) throw new Error(`local sign-in failed: HTTP ${response.status}`);
  return body.token;
}

export async function dashboardGet<Body>(gatewayUrl: string, path: string): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    headers: { authorization: `Bearer ${await sessionToken(gatewayUrl)}` },
  });
  return { status: response.status, body: (await response.json()) as Body };
}
