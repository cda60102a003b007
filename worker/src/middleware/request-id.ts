import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";

/** Gives every request a fresh id (`req_` + 32 hex) and echoes it as `x-request-id` on every response. */
export const requestId = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const id = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    context.set("requestId", id);
    context.set("startedAt", Date.now());
    await next();
    context.res.headers.set("x-request-id", id);
  });
