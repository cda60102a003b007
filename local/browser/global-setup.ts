/**
 * Global setup of the `browser` project (vitest.config.ts): starts the stack and the SPA once for all the browser
 * test files (local/browser/harness.ts), which run one at a time against it.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { flushTestRedis } from "./account.ts";
import { startBrowserStack } from "./harness.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const artifactsDir = fileURLToPath(new URL("../../.artifacts/browser", import.meta.url));
  mkdirSync(artifactsDir, { recursive: true });
  const started = Date.now();
  const stack = await startBrowserStack({
    log: (line) => {
      if (process.env.OMNIZEN_TEST_VERBOSE) console.log(`[browser-stack] ${line}`);
    },
  });
  try {
    await flushTestRedis(stack.upstash);
  } catch (error) {
    await stack.close();
    throw error;
  }
  console.log(`[browser] stack and SPA up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${stack.spaUrl}`);
  project.provide("browserStack", {
    spaUrl: stack.spaUrl,
    clerkSpaUrl: stack.clerkSpaUrl,
    gatewayUrl: stack.gatewayUrl,
    databaseUrl: stack.databaseUrl,
    upstash: stack.upstash,
    clerkFakeUrl: stack.clerkFakeUrl,
    paymentPageUrls: stack.paymentPageUrls,
    artifactsDir,
  });
  return () => stack.close();
}
