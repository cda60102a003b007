/**
 * Composition root: builds the app once per isolate and exports the Workers handlers: `fetch` (the gateway and the
 * dashboard API) and `scheduled` (the cron triggers of wrangler.toml, each mapped to its jobs in cron/scheduled.ts).
 * The cron jobs and the dashboard API are imported on first use, off a fresh isolate's start (docs/cold-start.md).
 */
import { createApp } from "./app.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled(controller, env, context) {
    context.waitUntil(
      import("./cron/scheduled.ts").then((module) =>
        module.runScheduled(env, new Date(controller.scheduledTime), controller.cron),
      ),
    );
  },
} satisfies ExportedHandler<Record<string, unknown>>;
