/**
 * `POST /api/dev/sign-in` (development and test only) → `{ token, expiresAt, clerkUserId }`: a session token for the
 * seeded local user (`local_dev_user`), signed with `DEV_SIGNING_KEY` and verified by the same code as Clerk's.
 * `npm run token` calls it. In production the route does not exist (404): env.ts refuses `DEV_SIGNING_KEY` there,
 * and `isDevSignInEnabled` is false for `OMNIZEN_ENV=production` whatever the bindings.
 *
 * The token's `azp` is the request's `Origin` when it is one of `CLERK_AUTHORIZED_PARTIES`, else the first of them.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { GatewayError } from "../../errors.ts";
import { LOCAL_DEV_CLERK_USER_ID, isDevSignInEnabled, signSessionToken } from "../../services/identity/dev-session.ts";

export const devSignInRoutes = new Hono<AppEnv>();

devSignInRoutes.use("*", async (context, next) => {
  // Not mounted unless enabled: the same 404 as an unknown route.
  if (!isDevSignInEnabled(context.get("config"))) {
    throw new GatewayError("not_found", `No route for ${context.req.method} ${new URL(context.req.url).pathname}.`);
  }
  await next();
});

devSignInRoutes.post("/sign-in", async (context) => {
  const config = context.get("config");
  const signingKey = config.DEV_SIGNING_KEY;
  const origin = context.req.header("origin");
  const authorizedParty = origin && config.CLERK_AUTHORIZED_PARTIES.includes(origin) ? origin : config.CLERK_AUTHORIZED_PARTIES[0];
  if (!signingKey || !authorizedParty) {
    throw new GatewayError("service_not_configured", "Local sign-in needs DEV_SIGNING_KEY and CLERK_AUTHORIZED_PARTIES.");
  }
  const session = await signSessionToken(signingKey, { clerkUserId: LOCAL_DEV_CLERK_USER_ID, authorizedParty });
  context.header("cache-control", "no-store");
  return context.json({ token: session.token, expiresAt: session.expiresAt.toISOString(), clerkUserId: LOCAL_DEV_CLERK_USER_ID });
});
