import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Wrangler and Miniflare run offline here: no metrics, no error reports, no request.cf fetch.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.WRANGLER_SEND_ERROR_REPORTS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// Two projects:
// - `local`: Node-side code (stand-ins, simulator, seeds, SPA libraries) against real Postgres and Redis.
// - `worker`: the gateway bundled and run in workerd by @cloudflare/vitest-plugin, against the real local stack
//   (Postgres via the Neon bridge, Redis via the Upstash stand-in, the provider simulator) that
//   local/test-global-setup.ts starts and `provide`s.
export default defineConfig({
  test: {
    // Runs in Node with the root's module resolution (not the workerd project's), once for the whole run.
    globalSetup: ["local/test-global-setup.ts"],
    projects: [
      {
        test: {
          name: "local",
          environment: "node",
          include: ["local/**/*.test.ts", "db/**/*.test.ts", "web/src/**/*.test.ts"],
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
          name: "worker",
          include: ["worker/**/*.test.ts"],
          // One file at a time: the stand-ins are shared, and the round-trip budget test counts their requests.
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
