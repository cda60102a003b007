import { defineConfig } from "vitest/config";

// Two projects: `local` runs the Node-side stand-ins' own tests; `worker` (added by the worker setup) runs the
// bundled gateway in workerd against the real local Postgres, Redis and the provider simulator.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "local",
          environment: "node",
          include: ["local/**/*.test.ts", "db/**/*.test.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
