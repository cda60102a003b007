import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { loadConfig } from "../env.ts";

/** Validates the bindings once per isolate (cached per env object) and exposes them as `config`. */
export const config = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    context.set("config", loadConfig(context.env));
    await next();
  });
