/**
 * The cold app (docs/cold-start.md): the dashboard API (`/api/*`) and the inbound webhooks (`/webhooks/*`) in the
 * same frame as the gateway (app.ts `createAppFrame`: request meta, config, services, one notFound and one onError).
 * app.ts imports this module on the first request to one of those paths, so Clerk, svix, Stripe, the billing
 * services and @upstash/redis (the `redis` variable, set here) stay off a fresh isolate's start on the hot path.
 */
import type { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { createAppFrame } from "./app-frame.ts";
import { redis } from "./middleware/redis.ts";
import { apiRoutes } from "./routes/api/index.ts";
import { webhookRoutes } from "./routes/webhooks/index.ts";

export function createColdApp(): Hono<AppEnv> {
  return createAppFrame(
    () => undefined,
    (app) => {
      app.use("*", redis());
      app.route("/api", apiRoutes);
      app.route("/webhooks", webhookRoutes);
    },
  );
}
