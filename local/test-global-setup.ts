/**
 * Global setup of the `integration-worker` project (vitest.config.ts; loaded by local/integration-worker-setup.ts):
 * starts the real local stack (Postgres through the Neon bridge, Redis through the Upstash stand-in, the provider
 * simulator) in Node and provides the worker's bindings, which the cloudflareTest plugin passes to the bundled worker
 * running in workerd.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startClerkFake, type ClerkFake } from "./clerk-fake/server.ts";
import { LITELLM_SIM_PATH, PROVIDER_SIM_PATHS, SIMULATOR_API_KEY } from "./provider-routes.ts";
import { startSentryFake, type SentryFake } from "./sentry-fake/server.ts";
import { startStack } from "./stack.ts";
import { testInfrastructure } from "./test-environment.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Never DATABASE_URL or REDIS_URL: the tests' own database and Redis database (local/test-environment.ts).
  const infrastructure = testInfrastructure(process.env);
  const stack = await startStack({
    database: infrastructure.database,
    env: infrastructure.env,
    dataDir: fileURLToPath(new URL("../.local-data/pglite-test", import.meta.url)),
    upstashToken: randomBytes(16).toString("hex"),
    promptCacheSecret: randomBytes(32).toString("hex"),
    // Redis database 1 by default: the queue and counters of the tests never mix with a `npm run dev` (database 0)
    // running at the same time, such as the one local/dev.e2e.test.ts starts while the worker tests run.
    redisUrl: infrastructure.redisUrl,
    useRealProviderKeys: false,
    log: (line) => {
      if (process.env.OMNIZEN_TEST_VERBOSE) console.log(`[stack] ${line}`);
    },
  });
  // The fake Sentry the worker reports to: tests read its envelopes to prove what a report carries.
  let sentry: SentryFake;
  try {
    sentry = await startSentryFake();
  } catch (error) {
    await stack.close();
    throw error;
  }
  // The fake Clerk Backend API the worker calls for profile changes (tests read what it received).
  const clerkSecretKey = `sk_test_${randomBytes(16).toString("hex")}`;
  let clerk: ClerkFake;
  try {
    clerk = await startClerkFake({ secretKey: clerkSecretKey });
  } catch (error) {
    await sentry.close();
    await stack.close();
    throw error;
  }
  project.provide("workerBindings", {
    OMNIZEN_ENV: "test",
    ...stack.workerBindings,
    // Tests sign session tokens with stack.workerBindings.DEV_SIGNING_KEY for this SPA origin.
    CLERK_AUTHORIZED_PARTIES: "http://dashboard.test,http://127.0.0.1:5173",
    CLERK_SECRET_KEY: clerkSecretKey,
    CLERK_API_URL: clerk.url,
    CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(24).toString("base64")}`,
    SENTRY_DSN: sentry.dsn("42"),
    // A second, regional route for qwen models (US), so tests can exercise fallback and jurisdiction choice.
    QWEN_US_API_KEY: SIMULATOR_API_KEY,
    QWEN_US_BASE_URL: `${stack.simulatorUrl}${PROVIDER_SIM_PATHS.qwen}`,
    // The LiteLLM stand-in; no provider is relayed through it (LITELLM_PROVIDERS unset) except where a test sets it.
    LITELLM_BASE_URL: `${stack.simulatorUrl}${LITELLM_SIM_PATH}`,
    LITELLM_API_KEY: "sk-litellm-sim",
    // A second route for zai models (China mainland), so the embeddings tests can exercise fallback and jurisdiction.
    ZAI_CN_API_KEY: SIMULATOR_API_KEY,
    ZAI_CN_BASE_URL: `${stack.simulatorUrl}${PROVIDER_SIM_PATHS.zai}`,
    // Short enough that the stall test stays quick, long enough for a loaded CI machine.
    UPSTREAM_TIMEOUT_MS: "3000",
    // Idle edge leases come back quickly, so tests that read Redis after the traffic see them returned.
    EDGE_LEASE_QUIET_MS: "200",
  });
  project.provide("simulatorUrl", stack.simulatorUrl);
  project.provide("epsSimulatorUrl", stack.epsSimulatorUrl);
  project.provide("stripeSimUrl", stack.stripeSimUrl);
  project.provide("databaseUrl", stack.databaseUrl);
  project.provide("sentryFakeUrl", sentry.url);
  // The fuzz harness's case count and seed (npm run fuzz sets them; npm test uses the short default).
  project.provide("fuzz", {
    runs: Number(process.env.OMNIZEN_FUZZ_RUNS ?? "") || 0,
    seed: Number(process.env.OMNIZEN_FUZZ_SEED ?? "") || 0,
  });
  return async () => {
    await clerk.close();
    await sentry.close();
    await stack.close();
  };
}
