/**
 * What the soak and the fault tests run against: the local stack (its own Postgres database and Redis database,
 * never `DATABASE_URL` from the environment, never a real provider key), one fresh user with plenty of credit, and
 * the gateway bundled and served on plain workerd (../bench/gateway-runtime.ts). Gives the handles to cut and
 * restore the Neon link and Upstash, to run the cron, and to read the usage queue and the usage rows.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { topUpLocalAccount } from "../ledger-credit.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../../worker/src/lib/api-key.ts";
import { REPOSITORY_ROOT } from "../bench/bench-environment.ts";
import { startGatewayRuntime, type GatewayRuntime } from "../bench/gateway-runtime.ts";
import { startStack, type Stack, type StackOptions } from "../stack.ts";
import { scrubbedEnvironment } from "../test-environment.ts";
import { ALL_USAGE_QUEUE_KEYS } from "../../worker/src/services/hot-path/script-keys.ts";

/** 1,000,000 USD: no run can exhaust it. */
const CREDIT_MICRO_USD = 1_000_000_000_000;

export interface LoadEnvironmentOptions {
  /** The Postgres database (created on the local server if missing). */
  database: string;
  /** The Redis behind the Upstash stand-in, with its database number: the drain empties its usage queue. */
  redisUrl: string;
  /** Folder name under .local-data for the bundle. */
  name: string;
  /** Extra arguments of `workerd serve`, e.g. `--inspector-addr`. */
  workerdArguments?: string[];
  /** The stand-ins' distances (docs/geo.md), e.g. a profile with `scriptLockHoldMs` to see lock contention. */
  geo?: StackOptions["geo"];
  /** The Upstash URL the gateway gets, from the stand-in's (a test may put a proxy in between). Default: as is. */
  gatewayUpstashUrl?: (standInUrl: string) => string;
  log: (line: string) => void;
}

export interface LoadEnvironment {
  stack: Stack;
  gateway: GatewayRuntime;
  apiKey: string;
  userId: string;
  /** Usage rows (usage_events) of the user, and request_logs rows. */
  countRows(): Promise<{ usage: number; logs: number; duplicates: number }>;
  /** Another fresh user with plenty of credit and an API key. */
  addAccount(): Promise<{ apiKey: string; userId: string }>;
  /** Records waiting in the usage queue and the draining lists (every shard, and the legacy single queue). */
  queuedRecords(): Promise<number>;
  /** Runs the `* * * * *` cron (usage drain, then settlement of balances) in the gateway; resolves when done. */
  runCron(): Promise<void>;
  /** Runs the cron until the usage queue is empty (or `timeoutMs` passes). */
  drainAll(timeoutMs?: number): Promise<void>;
  setNeonCut(cut: boolean): Promise<void>;
  setUpstashDown(down: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The Redis URL of `base` on database `database` (same server). */
export function redisDatabaseUrl(base: string, database: number): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function startLoadEnvironment(options: LoadEnvironmentOptions): Promise<LoadEnvironment> {
  // None of the developer's infrastructure or keys (DATABASE_URL, REDIS_URL, provider keys): local/test-environment.ts.
  const env = scrubbedEnvironment(process.env);
  const upstashToken = randomBytes(16).toString("hex");
  const stack = await startStack({
    database: options.database,
    dataDir: `${REPOSITORY_ROOT}.local-data/pglite-${options.name}`,
    upstashToken,
    redisUrl: options.redisUrl,
    promptCacheSecret: randomBytes(32).toString("hex"),
    useRealProviderKeys: false,
    env,
    log: options.log,
    ...(options.geo ? { geo: options.geo } : {}),
  });
  const closers: Array<() => Promise<unknown>> = [() => stack.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const postgres = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
    closers.push(() => postgres.end());
    const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    closers.push(async () => redis.quit());
    const addAccount = async () => {
      const apiKey = generateApiKey();
      return { apiKey, userId: await seedUser(postgres, apiKey) };
    };
    const { apiKey, userId } = await addAccount();
    const upstashUrl = options.gatewayUpstashUrl?.(stack.upstashUrl) ?? stack.upstashUrl;
    const gateway = await startGatewayRuntime({
      entryPoint: `${REPOSITORY_ROOT}worker/src/index.ts`,
      outputDirectory: `${REPOSITORY_ROOT}.local-data/${options.name}-worker`,
      bindings: { ...stack.workerBindings, UPSTASH_REDIS_REST_URL: upstashUrl, OMNIZEN_ENV: "development" },
      entry: "workerd",
      log: options.log,
      ...(options.workerdArguments ? { workerdArguments: options.workerdArguments } : {}),
    });
    closers.push(() => gateway.dispose());
    const cronUrl = gateway.cronTriggerUrl;
    if (!cronUrl) throw new Error("the gateway runtime has no cron trigger");
    const control = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`fault switch ${new URL(url).pathname} answered ${response.status}`);
    };
    const queuedRecords = async () => {
      const lengths = await Promise.all(ALL_USAGE_QUEUE_KEYS.map((key) => redis.llen(key)));
      return lengths.reduce((sum, length) => sum + length, 0);
    };
    const runCron = async () => {
      const response = await fetch(`${cronUrl}/?cron=${encodeURIComponent("* * * * *")}`, { method: "POST" });
      await response.arrayBuffer();
    };
    return {
      stack,
      gateway,
      apiKey,
      userId,
      addAccount,
      queuedRecords,
      runCron,
      async drainAll(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        do await runCron();
        while ((await queuedRecords()) > 0 && Date.now() < deadline);
      },
      async countRows() {
        const { rows } = await postgres.query<{ usage: string; logs: string; duplicates: string }>(
          `SELECT (SELECT count(*) FROM usage_events WHERE user_id = $1) AS usage,
                  (SELECT count(*) FROM request_logs WHERE user_id = $1) AS logs,
                  (SELECT count(*) FROM (SELECT request_id FROM request_logs WHERE user_id = $1 GROUP BY request_id HAVING count(*) > 1) d) AS duplicates`,
          [userId],
        );
        const row = rows[0];
        return { usage: Number(row?.usage), logs: Number(row?.logs), duplicates: Number(row?.duplicates) };
      },
      setNeonCut: (cut) => control(`http://${stack.workerBindings.NEON_WS_PROXY}/_fault`, { cut }),
      setUpstashDown: (down) =>
        control(`${stack.upstashUrl}/_omnizen/fault`, { down }, { authorization: `Bearer ${upstashToken}` }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function seedUser(postgres: pg.Pool, apiKey: string): Promise<string> {
  const user = await postgres.query<{ id: string }>(
    `INSERT INTO users (email, name, plan, age_confirmed_at) VALUES ($1, 'Load test', 'internal', now()) RETURNING id`,
    [`load-${randomBytes(6).toString("hex")}@omnizen.local`],
  );
  const userId = user.rows[0]?.id;
  if (!userId) throw new Error("seeding the load-test user returned no row");
  await topUpLocalAccount(postgres, userId, CREDIT_MICRO_USD, "load");
  await postgres.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'load test', $2, $3)`, [
    userId,
    await hashApiKey(apiKey),
    displayPrefix(apiKey),
  ]);
  return userId;
}
