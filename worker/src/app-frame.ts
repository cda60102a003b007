/**
 * The frame every app of the worker shares (app.ts, cold-app.ts): middleware (request meta, config, services), the
 * routes the caller mounts, and one onError and one notFound, both rendering the error in the shape of the API the
 * path belongs to.
 */
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env.ts";
import { ConfigError } from "./env.ts";
import { GatewayError } from "./errors.ts";
import { config } from "./middleware/config.ts";
import { requestErrorReporter } from "./middleware/request-error-reporter.ts";
import { requestMeta } from "./middleware/request-meta.ts";
import { requireHttps } from "./middleware/require-https.ts";
import { services } from "./middleware/services.ts";
import { unknownErrorSummary } from "./services/error-reporter/reportable-error.ts";
import { renderAnthropicError } from "./surfaces/anthropic/render-anthropic-error.ts";

/**
 * The frame both apps share: `before` mounts what runs ahead of every middleware, `mount` the routes behind it; then
 * one notFound and one onError.
 */
export function createAppFrame(before: (app: Hono<AppEnv>) => void, mount: (app: Hono<AppEnv>) => void): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  before(app);
  app.use("*", requestMeta());
  app.get("/healthz", (context) => context.json({ status: "ok" }));
  app.use("*", config());
  app.use("*", services());
  app.use("/v1/*", requireHttps());
  app.use("/api/*", requireHttps());
  mount(app);

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
  response.headers.set("x-request-id", requestId); // also where the request-meta middleware did not run
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
