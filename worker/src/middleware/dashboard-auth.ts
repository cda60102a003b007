/**
 * Authenticates the dashboard API (`/api/*`): `Authorization: Bearer <Clerk session JWT>`, verified in the worker
 * (services/identity/session-token.ts). API keys are refused here, as session tokens are on /v1. Sets `account`
 * to our user (created on first sight), and applies the age gate of policy 7: until the user confirmed being 13 or
 * older, only the routes needed to read the account, confirm, or leave answer; everything else is 403
 * `age_confirmation_required`. Per-account rate limits apply right after the token is verified (429).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { GatewayError } from "../errors.ts";
import { API_KEY_PREFIX } from "../lib/api-key.ts";
import { findOrCreateDashboardUser } from "../services/identity/dashboard-user.ts";
import { looksLikeJwt, verifySessionToken } from "../services/identity/session-token.ts";
import { enforceDashboardLimits } from "../services/dashboard-limits.ts";

/**
 * Routes open before the age confirmation (method and path under /api): reading the profile, confirming, and the
 * account's export and deletion, which a user who will not confirm must still be able to use (policy 5 and 7).
 */
const OPEN_BEFORE_AGE_CONFIRMATION = new Set([
  "GET /api/account",
  "POST /api/account/confirm-age",
  "GET /api/account/export",
  "DELETE /api/account",
]);

function bearerToken(header: string | undefined): string {
  const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) {
    throw new GatewayError(
      "unauthorized_session",
      "Missing session: send 'Authorization: Bearer <Clerk session token>' (the SPA's getToken()).",
    );
  }
  if (token.startsWith(API_KEY_PREFIX)) {
    throw new GatewayError(
      "unauthorized_session",
      "API keys (sk-omni-...) work on /v1 only; the dashboard API takes a Clerk session token.",
    );
  }
  if (!looksLikeJwt(token)) throw new GatewayError("unauthorized_session", "The session token is invalid.");
  return token;
}

export const dashboardAuth = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const config = context.get("config");
    const claims = await verifySessionToken(bearerToken(context.req.header("authorization")), config);
    context.set("session", claims);
    const path = context.get("meta").path.replace(/\/+$/, "");
    // Per-account limits (services/dashboard-limits.ts), before any Postgres work.
    const redis = context.get("redis");
    const waitUntil = (promise: Promise<unknown>) => context.executionCtx.waitUntil(promise);
    await enforceDashboardLimits(redis, claims.clerkUserId, { method: context.req.method, path }, waitUntil);
    const user = await findOrCreateDashboardUser(context.get("services").database(), redis, claims.clerkUserId);
    context.set("account", { userId: user.userId, clerkUserId: user.clerkUserId });
    const route = `${context.req.method} ${path}`;
    if (!user.ageConfirmedAt && !OPEN_BEFORE_AGE_CONFIRMATION.has(route)) {
      throw new GatewayError(
        "age_confirmation_required",
        'Confirm that you are 13 or older first: POST /api/account/confirm-age with {"confirmed13OrOlder": true}.',
      );
    }
    await next();
  });
