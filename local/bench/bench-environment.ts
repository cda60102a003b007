/**
 * Sets up what the benchmark measures: the local stack (database `omnizen_bench`, the provider simulator for every
 * provider), a seeded user with plenty of credit and a fresh API key, and the gateway bundled into workerd.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { topUpLocalAccount } from "../ledger-credit.ts";
import { generateApiKey } from "../../worker/src/lib/api-key.ts";
import { seedDevUser } from "../seed.ts";
import { startStack, type Stack } from "../stack.ts";
import { startGatewayRuntime, type GatewayEntry, type GatewayRuntime } from "./gateway-runtime.ts";

/** The repository root, with a trailing slash. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Credit given to the benchmark user: 1,000,000 USD, so no run can exhaust it (100 KB prompts cost real money). */
const BENCH_CREDIT_MICRO_USD = 1_000_000_000_000;

/** The running benchmark environment. */
export interface BenchEnvironment {
  stack: Stack;
  gateway: GatewayRuntime;
  apiKey: string;
  /**
   * Starts one more gateway (plain workerd, same bundle and bindings) with extra `workerd serve` arguments, e.g. an
   * async trace; the caller disposes of it.
   */
  startExtraGateway(workerdArguments: string[]): Promise<GatewayRuntime>;
  /** Stops the gateway and the stack; safe to call more than once. */
  close(): Promise<void>;
}

async function topUpCredit(databaseUrl: string, userId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await topUpLocalAccount(client, userId, BENCH_CREDIT_MICRO_USD, "bench");
  } finally {
    await client.end();
  }
}

/**
 * Starts everything. The stack never sees `DATABASE_URL` from the environment (that could be a real database): it
 * uses the local Postgres on 127.0.0.1:5432, or the embedded PGlite fallback, and never a real provider key.
 */
export async function startBenchEnvironment(
  entry: GatewayEntry,
  log: (line: string) => void,
  options: { workerdArguments?: string[] } = {},
): Promise<BenchEnvironment> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  const stack = await startStack({
    database: "omnizen_bench",
    dataDir: `${REPOSITORY_ROOT}.local-data/pglite-bench`,
    upstashToken: randomBytes(16).toString("hex"),
    promptCacheSecret: randomBytes(32).toString("hex"),
    useRealProviderKeys: false,
    env,
    log,
  });
  let gateway: GatewayRuntime | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await gateway?.dispose().catch(() => undefined);
    await stack.close();
  };
  try {
    const apiKey = generateApiKey();
    const seeded = await seedDevUser(stack.databaseUrl, apiKey);
    await topUpCredit(stack.databaseUrl, seeded.userId);
    log(`seeded user ${seeded.userId} and key ${seeded.keyId} with ${BENCH_CREDIT_MICRO_USD / 1e6} USD of credit`);
    const runtimeOptions = {
      entryPoint: `${REPOSITORY_ROOT}worker/src/index.ts`,
      outputDirectory: `${REPOSITORY_ROOT}.local-data/bench-worker`,
      bindings: { ...stack.workerBindings, OMNIZEN_ENV: "development" },
      log,
    };
    gateway = await startGatewayRuntime({
      ...runtimeOptions,
      entry,
      ...(options.workerdArguments ? { workerdArguments: options.workerdArguments } : {}),
    });
    const startExtraGateway = (workerdArguments: string[]) =>
      startGatewayRuntime({
        ...runtimeOptions,
        outputDirectory: `${REPOSITORY_ROOT}.local-data/bench-worker-extra`,
        entry: "workerd",
        workerdArguments,
      });
    return { stack, gateway, apiKey, close, startExtraGateway };
  } catch (error) {
    await close();
    throw error;
  }
}
