/**
 * The gateway's Hono app (`/v1/*`, `/healthz`), built when the isolate starts, in the frame of app-frame.ts (request
 * meta, config, services, one notFound and one onError). `/api/*` (the dashboard) and `/webhooks/*` belong to the cold
 * app (cold-app.ts), imported on the first request that needs it, so Clerk, svix, Stripe and the billing services stay
 * off a fresh isolate's start on the hot path (docs/cold-start.md).
 */
import type { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { createAppFrame } from "./app-frame.ts";
import { buildRequestMeta } from "./lib/request-meta.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { chatCompletionsRoute } from "./routes/chat-completions.ts";
import { countTokensRoute } from "./routes/count-tokens.ts";
import { generationRoute } from "./routes/generation.ts";
import { embeddingsRoute } from "./routes/embeddings.ts";
import { messagesRoute } from "./routes/messages.ts";
import { responsesRoute } from "./routes/responses.ts";
import { modelsRoute } from "./routes/models.ts";
import { databaseDriver } from "./services/database.ts";

/** The cold app's paths: dispatched ahead of the gateway's middleware, since the cold app runs its own. */
const COLD_PATHS = ["/api", "/api/*", "/webhooks", "/webhooks/*"];

/** The gateway's app; `/api/*` and `/webhooks/*` go to the cold app, imported on first use. */
export function createApp(): Hono<AppEnv> {
  let coldApp: Promise<Hono<AppEnv>> | undefined;
  const loadColdApp = (): Promise<Hono<AppEnv>> => {
    // The cold app's handlers open Postgres synchronously (Services.database), so the driver comes with it.
    coldApp ??= Promise.all([import("./cold-app.ts"), databaseDriver.load()])
      .then(([module]) => module.createColdApp())
      .catch((error: unknown) => {
        coldApp = undefined; // not kept: the next request tries again
        throw error;
      });
    return coldApp;
  };
  return createAppFrame((app) => {
    for (const path of COLD_PATHS)
      app.all(path, async (context) => {
        const cold = await loadColdApp().catch((error: unknown) => {
          // onError renders with the request's meta, which the gateway's middleware (not run here) would have set.
          context.set("meta", buildRequestMeta(context.req.raw));
          throw error;
        });
        return cold.fetch(context.req.raw, context.env, context.executionCtx);
      });
  }, mountGatewayRoutes);
}

function mountGatewayRoutes(app: Hono<AppEnv>): void {
  app.route("/v1/models", modelsRoute);
  app.use("/v1/chat/completions", apiKeyAuth());
  app.route("/v1/chat/completions", chatCompletionsRoute);
  app.use("/v1/messages/*", apiKeyAuth());
  app.route("/v1/messages/count_tokens", countTokensRoute);
  app.route("/v1/messages", messagesRoute);
  app.use("/v1/responses", apiKeyAuth());
  app.route("/v1/responses", responsesRoute);
  app.use("/v1/generation", apiKeyAuth());
  app.route("/v1/generation", generationRoute);
  app.use("/v1/embeddings", apiKeyAuth());
  app.route("/v1/embeddings", embeddingsRoute);
}
