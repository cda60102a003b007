/**
 * Vitest global setup of the `worker` project: starts the real local stack (Postgres through the Neon bridge, Redis
 * through the Upstash stand-in, the provider simulator) in Node and provides the worker's bindings, which the
 * cloudflareTest plugin passes to the bundled worker running in workerd.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startStack } from "./stack.ts";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack({
    database: process.env.OMNIZEN_TEST_DATABASE ?? "omnizen_test",
    dataDir: fileURLToPath(new URL("../.local-data/pglite-test", import.meta.url)),
    upstashToken: randomBytes(16).toString("hex"),
    useRealProviderKeys: false,
    log: (line) => {
      if (process.env.OMNIZEN_TEST_VERBOSE) console.log(`[stack] ${line}`);
    },
  });
  project.provide("workerBindings", { OMNIZEN_ENV: "test", ...stack.workerBindings });
  project.provide("databaseUrl", stack.databaseUrl);
  return () => stack.close();
}
