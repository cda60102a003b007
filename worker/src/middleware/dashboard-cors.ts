/**
 * CORS for the dashboard API: only the SPA origins in `CLERK_AUTHORIZED_PARTIES` may call /api from a browser (the
 * same list the session token's `azp` must be in). Tokens travel in `Authorization`, never in cookies, so no
 * credentials mode. https://hono.dev/docs/middleware/builtin/cors
 */
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";

export const dashboardCors = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const allowed = context.get("config").CLERK_AUTHORIZED_PARTIES;
    const handler = cors({
      origin: (origin) => (allowed.includes(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["authorization", "content-type"],
      exposeHeaders: ["x-request-id", "content-disposition"],
      maxAge: 600,
    });
    return handler(context, next);
  });
