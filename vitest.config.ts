import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Wrangler and Miniflare run offline here: no metrics, no error reports, no request.cf fetch.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.WRANGLER_SEND_ERROR_REPORTS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// The local/ tests that need a running Postgres or Redis, or start processes or a whole stack of their own. Every
// other test under local/ is a unit test. A new local test that needs one of them goes here.
const LOCAL_TESTS_WITH_SERVICES = [
  "local/**/*.e2e.test.ts",
  "local/faults/**/*.test.ts",
  "local/multi-gateway/**/*.test.ts",
  "local/neon-bridge/{server,fault,geo}.test.ts",
  "local/postgres/{resolve,embedded}.test.ts",
  "local/upstash/{server,script-flags,geo-router,key-locking,hot-path-key-locking,hot-path-freshness}.test.ts",
  "local/upstash/usage-queue-shards.test.ts",
  "local/test-environment.test.ts",
];

// The real-browser tests (local/browser/): Debian's chromium drives the built SPA against the whole stack.
const BROWSER_TESTS = ["local/browser/**/*.browser.test.ts"];

// Three projects (docs/testing.md):
// - `unit` (Node, files in parallel, no stand-ins): worker/src, web/src, db and the local/ tests above excepted.
//   `npm run test:unit`.
// - `integration-worker`: the gateway bundled and run in workerd by @cloudflare/vitest-plugin (worker/test/), against
//   the real local stack (Postgres via the Neon bridge, Redis via the Upstash stand-in, the provider simulator, the
//   fake Clerk and Sentry) that its global setup (local/test-global-setup.ts) starts and `provide`s. The stack starts
//   only when this project has files to run.
// - `integration-node` (Node): the local/ tests above, against the real Postgres and Redis.
// - `browser` (Node): local/browser/, Debian's chromium (playwright-core) driving the built SPA against the whole
//   stack, which its global setup (local/browser/global-setup.ts) starts on free ports. It runs after the other three
//   (groupOrder), one file at a time. `npm run test:browser`.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: {
          // A worker/src unit test may build an ExecutionContext; nothing else of `cloudflare:test` exists here.
          alias: {
            "cloudflare:test": fileURLToPath(new URL("worker/test/support/execution-context.node.ts", import.meta.url)),
          },
        },
        test: {
          name: "unit",
          environment: "node",
          include: ["worker/src/**/*.test.ts", "web/src/**/*.test.ts", "db/**/*.test.ts", "local/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...LOCAL_TESTS_WITH_SERVICES, ...BROWSER_TESTS],
          // Files share a worker and its module cache (half the time of one fresh worker per file): unit tests patch
          // no globals and mock no modules, and the modules' own caches are keyed by their inputs. A test that must
          // patch a global restores it in afterEach/afterAll.
          isolate: false,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: inject("workerBindings") },
          })),
        ],
        test: {
          name: "integration-worker",
          include: ["worker/test/**/*.test.ts"],
          // Starts the stack (local/test-global-setup.ts, loaded with Node's module resolution), once per run.
          globalSetup: ["local/integration-worker-setup.ts"],
          // One file at a time: the stand-ins are shared, and the round-trip budget test counts their requests.
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-node",
          environment: "node",
          include: LOCAL_TESTS_WITH_SERVICES,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          environment: "node",
          include: BROWSER_TESTS,
          globalSetup: ["local/browser/global-setup.ts"],
          // After the other projects: a browser, workerd and Vite at once would starve a 2-core machine's tests.
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 150_000,
        },
      },
    ],
  },
});
