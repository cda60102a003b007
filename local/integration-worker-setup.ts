/**
 * Vitest global setup of the `integration-worker` project (vitest.config.ts). Vitest loads a project's global setup
 * with that project's module resolution: workerd's, under which the stack's Node dependencies (ioredis-mock, pg, ...)
 * resolve to their browser builds. So this file imports nothing of the stack itself: it loads the real setup
 * (local/test-global-setup.ts) through the root's Node resolution and runs it for this project, so the stack starts
 * only when this project has test files to run.
 */
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

type StackSetup = typeof import("./test-global-setup.ts");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stackSetup = await project.vitest.import<StackSetup>(
    fileURLToPath(new URL("./test-global-setup.ts", import.meta.url)),
  );
  return stackSetup.default(project);
}
