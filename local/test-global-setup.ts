/**
 * Vitest global setup of the `worker` project: starts the real local stack (Postgres through the Neon bridge, Redis
 * through the Upstash stand-in, the provider simulator) in Node and provides the worker's bindings, which the
 * cloudflareTest plugin passes to the bundled worker running in workerd.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { PROVIDER_SIM_PATHS, SIMULATOR_API_KEY } from "./provider-routes.ts";
import { startStack } from "./stack.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack({
    database: process.env.OMNIZEN_TEST_DATABASE ?? "omnizen_test",
    dataDir: fileURLToPath(new URL("../.local-data/pglite-test", import.meta.url)),
    upstashToken: randomBytes(16).toString("hex"),
    promptCacheSecret: randomBytes(32).toString("hex"),
    useRealProviderKeys: false,
    log: (line) => {
      if (process.env.OMNIZEN_TEST_VERBOSE) console.log(`[stack] ${line}`);
    },
  });
  project.provide("workerBindings", {
    OMNIZEN_ENV: "test",
    ...stack.workerBindings,
    // A second, regional route for qwen models (US), so tests can exercise fallback and jurisdiction choice.
    QWEN_US_API_KEY: SIMULATOR_API_KEY,
    QWEN_US_BASE_URL: `${stack.simulatorUrl}${PROVIDER_SIM_PATHS.qwen}`,
    // Short enough that the stall test stays quick, long enough for a loaded CI machine.
    UPSTREAM_TIMEOUT_MS: "3000",
  });
  project.provide("simulatorUrl", stack.simulatorUrl);
  project.provide("databaseUrl", stack.databaseUrl);
  return () => stack.close();
}
