/**
 * Composition root: builds the app once per isolate and exports the Workers handlers: `fetch` (the gateway and the
 * dashboard API) and `scheduled` (the cron triggers of wrangler.toml, each mapped to its jobs in cron/scheduled.ts).
 */
import { createApp } from "./app.ts";
import { runScheduled } from "./cron/scheduled.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled(controller, env, context) {
    context.waitUntil(runScheduled(env, new Date(controller.scheduledTime), controller.cron));
  },
} satisfies ExportedHandler<Record<string, unknown>>;
