/**
 * The Hono app: middleware (request meta, config, services), routes wired explicitly, and one onError and one
 * notFound, both rendering the error in the shape of the API the path belongs to.
 */
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env.ts";
import { ConfigError } from "./env.ts";
import { GatewayError } from "./errors.ts";
import { apiKeyAuth } from "./middleware/api-key-auth.ts";
import { config } from "./middleware/config.ts";
import { requestErrorReporter } from "./middleware/request-error-reporter.ts";
import { requestMeta } from "./middleware/request-meta.ts";
import { requireHttps } from "./middleware/require-https.ts";
import { services } from "./middleware/services.ts";
import { apiRoutes } from "./routes/api/index.ts";
import { chatCompletionsRoute } from "./routes/chat-completions.ts";
import { countTokensRoute } from "./routes/count-tokens.ts";
import { generationRoute } from "./routes/generation.ts";
import { embeddingsRoute } from "./routes/embeddings.ts";
import { messagesRoute } from "./routes/messages.ts";
import { responsesRoute } from "./routes/responses.ts";
import { webhookRoutes } from "./routes/webhooks/index.ts";
import { modelsRoute } from "./routes/models.ts";
import { unknownErrorSummary } from "./services/error-reporter/reportable-error.ts";
import { renderAnthropicError } from "./surfaces/anthropic/render-anthropic-error.ts";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestMeta());
  app.get("/healthz", (context) => context.json({ status: "ok" }));
  app.use("*", config());
  app.use("*", services());
  app.use("/v1/*", requireHttps());
  app.use("/api/*", requireHttps());
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
  app.route("/api", apiRoutes);
  app.route("/webhooks", webhookRoutes);

  // Unknown routes and methods answer in the surface's shape too (e.g. GET /v1/messages is Anthropic's).
  app.notFound((context) => {
    const { method, path } = context.get("meta");
    return renderError(context, new GatewayError("not_found", `No route for ${method} ${path}.`));
  });

  app.onError((error, context) => {
    const known = toGatewayError(error, context.get("meta")?.requestId);
    (context.get("services")?.errorReporter ?? requestErrorReporter(context)).serverError(error, known.status);
    return renderError(context, known);
  });
  return app;
}

/** The API a path belongs to: `/v1/messages` and everything under it speak Anthropic's; the rest OpenAI's. */
export function surfaceOf(path: string): "openai" | "anthropic" {
  return path === "/v1/messages" || path.startsWith("/v1/messages/") ? "anthropic" : "openai";
}

function renderError(context: Context<AppEnv>, known: GatewayError): Response {
  // The request's meta is set by the first middleware, before anything that can fail.
  const { requestId, path } = context.get("meta");
  const body = surfaceOf(path) === "anthropic" ? renderAnthropicError(known, requestId) : known.toJSON();
  const response = context.json(body, known.status);
  for (const [name, value] of Object.entries(known.headers)) response.headers.set(name, value);
  return response;
}

function toGatewayError(error: unknown, requestId: string | undefined): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    return new GatewayError("invalid_request", "The request could not be read.");
  }
  // Unknown errors: log the kind and where, never the message (it may quote request content), answer a generic 500.
  const { name, where } = unknownErrorSummary(error);
  console.error(
    JSON.stringify({
      event: "unhandled-error",
      requestId,
      name,
      where,
      config: error instanceof ConfigError ? error.message : undefined,
    }),
  );
  return new GatewayError(
    "internal_error",
    "The gateway failed to process the request; retry, and quote the x-request-id if it persists.",
  );
}
