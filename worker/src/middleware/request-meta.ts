import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { buildRequestMeta } from "../lib/request-meta.ts";

/**
 * Builds the request's `meta` once (a fresh `req_` id among it) and echoes the id as `x-request-id` on every response.
 */
export const requestMeta = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const meta = buildRequestMeta(context.req.raw);
    context.set("meta", meta);
    await next();
    context.res.headers.set("x-request-id", meta.requestId);
  });
