/**
 * Several gateway processes sharing one set of stand-ins: the local stack started once (Postgres through the Neon
 * bridge, the Upstash stand-in with a geo profile, so writes pay the primary's round trip and replica reads lag behind
 * it, the provider simulator), and N separate plain-workerd processes each serving the bundled gateway
 * (../bench/gateway-runtime.ts). Each process is a separate isolate with its own memory (key records, and the edge
 * leases of issue 14), which is what the per-account bounds across isolates are about (./bounds.test.ts).
 */
import { randomBytes } from "node:crypto";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { REPOSITORY_ROOT } from "../bench/bench-environment.ts";
import { startGatewayRuntime, type GatewayRuntime } from "../bench/gateway-runtime.ts";
import { startStack, type Stack } from "../stack.ts";
import { scrubbedEnvironment } from "../test-environment.ts";
import type { UpstashGeoProfile } from "../upstash/geo-profile.ts";

/** The usage queue and the list a drain moves a batch to while writing it. */
const QUEUE_KEYS = ["omz:usage:queue", "omz:usage:draining"];
/** The SPA origin the gateways accept session tokens for (dashboard calls: ./dashboard.ts). */
export const DASHBOARD_ORIGIN = "http://dashboard.test";

export interface MultiGatewayOptions {
  /** The Postgres database (created on the local server if missing). */
  database: string;
  /** The Redis behind the Upstash stand-in, with its database number (the drain empties its usage queue). */
  redisUrl: string;
  /** How many workerd processes. */
  processes: number;
  /** The Upstash stand-in's distances and replication lag. */
  geo: UpstashGeoProfile;
  /** The `EDGE_LEASE_QUIET_MS` binding: how long a quiet isolate keeps its leases (issue 14). */
  leaseQuietMs: number;
  /** Folder name under .local-data for the bundles and the PGlite fallback. */
  name: string;
  log: (line: string) => void;
}

export interface MultiGateway {
  stack: Stack;
  gateways: GatewayRuntime[];
  /** The bindings every process got. */
  bindings: Record<string, string>;
  postgres: pg.Pool;
  /** Drizzle over `postgres`, for the worker's own SQL (e.g. accountBalanceSql). */
  database: NodePgDatabase;
  /** The Redis behind the stand-in, read directly (no geo delay, no replica: the primary's truth). */
  redis: Redis;
  /** Runs the `* * * * *` cron (usage drain, posting, reconciliation) in process `index`; resolves when done. */
  runCron(index?: number): Promise<void>;
  /** Runs the cron until the usage queue is empty (or `timeoutMs` passes). */
  drainAll(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMultiGateway(options: MultiGatewayOptions): Promise<MultiGateway> {
  const upstashToken = randomBytes(16).toString("hex");
  const stack = await startStack({
    database: options.database,
    dataDir: `${REPOSITORY_ROOT}.local-data/pglite-${options.name}`,
    upstashToken,
    redisUrl: options.redisUrl,
    promptCacheSecret: randomBytes(32).toString("hex"),
    useRealProviderKeys: false,
    geo: { upstash: options.geo, postgresRttMs: 0 },
    env: scrubbedEnvironment(process.env),
    log: options.log,
  });
  const closers: Array<() => Promise<unknown>> = [() => stack.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const postgres = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
    closers.push(() => postgres.end());
    const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    closers.push(async () => redis.quit());
    const bindings = {
      ...stack.workerBindings,
      OMNIZEN_ENV: "test",
      CLERK_AUTHORIZED_PARTIES: DASHBOARD_ORIGIN,
      EDGE_LEASE_QUIET_MS: String(options.leaseQuietMs),
    };
    const gateways: GatewayRuntime[] = [];
    // One at a time: each bundles the worker (esbuild) into its own folder, then starts its own workerd.
    for (let index = 0; index < options.processes; index += 1) {
      const gateway = await startGatewayRuntime({
        entryPoint: `${REPOSITORY_ROOT}worker/src/index.ts`,
        outputDirectory: `${REPOSITORY_ROOT}.local-data/${options.name}-worker-${index}`,
        bindings,
        entry: "workerd",
        log: (line) => options.log(`gateway ${index}: ${line}`),
      });
      closers.push(() => gateway.dispose());
      gateways.push(gateway);
    }
    const runCron = async (index = 0) => {
      const cronUrl = gateways[index]?.cronTriggerUrl;
      if (!cronUrl) throw new Error(`gateway ${index} has no cron trigger`);
      const response = await fetch(`${cronUrl}/?cron=${encodeURIComponent("* * * * *")}`, { method: "POST" });
      await response.arrayBuffer();
    };
    const queuedRecords = async () => {
      const lengths = await Promise.all(QUEUE_KEYS.map((key) => redis.llen(key)));
      return lengths.reduce((sum, length) => sum + length, 0);
    };
    return {
      stack,
      gateways,
      bindings,
      postgres,
      database: drizzle({ client: postgres }),
      redis,
      runCron,
      async drainAll(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        do await runCron();
        while ((await queuedRecords()) > 0 && Date.now() < deadline);
        // The drain wrote the rows; one more run posts the last batch into the balances (posting follows the drain).
        await runCron();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
