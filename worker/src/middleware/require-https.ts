/**
 * Policy 4.1 ("encrypted in transit using TLS 1.2 or higher"): in production, `/v1` and `/api` refuse a request that
 * reached Cloudflare over plain `http://` with a 403 `https_required` in the surface's error shape, instead of
 * serving it (or redirecting it, which clients follow silently after the key already crossed the network in clear).
 * The TLS version itself is Cloudflare's edge setting (docs/production-tls-and-logs.md: minimum TLS 1.2).
 *
 * On Workers, `request.url` keeps the scheme the visitor used; `X-Forwarded-Proto` (set by Cloudflare to the
 * visitor's scheme) is checked as well. Outside production (local http stack, tests) nothing is refused.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { GatewayError } from "../errors.ts";

export function isPlainHttp(request: Request): boolean {
  return (
    new URL(request.url).protocol === "http:" ||
    request.headers.get("x-forwarded-proto")?.trim().toLowerCase() === "http"
  );
}

export const requireHttps = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    if (context.get("config").OMNIZEN_ENV === "production" && isPlainHttp(context.req.raw)) {
      throw new GatewayError(
        "https_required",
        "Plain http:// is refused: call https:// (TLS 1.2 or later). A key sent over http may have been seen on the way; revoke it and create a new one.",
      );
    }
    await next();
  });
