import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { createServices } from "../services/request-services.ts";
import { requestErrorReporter } from "./request-error-reporter.ts";

/**
 * Sets the request's `services` (services/request-services.ts). Postgres opens only if a handler asks for it, and is
 * ended after the response, through `waitUntil`, whatever the outcome.
 */
export const services = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const built = createServices(context.get("config"), requestErrorReporter(context));
    context.set("services", built.services);
    try {
      await next();
    } finally {
      context.executionCtx.waitUntil(built.close());
    }
  });
