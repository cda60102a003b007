/**
 * `POST /api/dev/sign-in` (development and test only) → `{ token, expiresAt, clerkUserId }`: a session token for the
 * seeded local user (`local_dev_user`), signed with `DEV_SIGNING_KEY` and verified by the same code as Clerk's.
 * `npm run token` calls it. In production the route does not exist (404): env.ts refuses `DEV_SIGNING_KEY` there,
 * and `isDevSignInEnabled` is false for `OMNIZEN_ENV=production` whatever the bindings.
 *
 * The token's `azp` is the request's `Origin` when it is one of `CLERK_AUTHORIZED_PARTIES`, else the first of them.
 * Its `iss` is `CLERK_ISSUER` when that is set (a local Clerk instance, such as the browser tests' fake Frontend API,
 * and the local sign-in then share one gateway), else the local issuer.
 *
 * DNS rebinding: a web page on `evil.example` whose name is made to resolve to 127.0.0.1 could call this route from
 * the developer's browser as a same-origin request. So the request must be addressed to a loopback name
 * (`127.0.0.1`, `localhost`, `[::1]`) in both its `Host` header and its URL, and to `DEV_GATEWAY_PORT` when that is
 * set (`npm run dev` sets it); anything else is a 403.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import type { DevSignIn } from "../../contracts/dev-sign-in-api.ts";
import type { Config } from "../../env.ts";
import { GatewayError } from "../../errors.ts";
import { LOCAL_DEV_CLERK_USER_ID, isDevSignInEnabled, signSessionToken } from "../../services/identity/dev-session.ts";

export const devSignInRoutes = new Hono<AppEnv>();

devSignInRoutes.use("*", async (context, next) => {
  // Not mounted unless enabled: the same 404 as an unknown route.
  if (!isDevSignInEnabled(context.get("config"))) {
    throw new GatewayError("not_found", `No route for ${context.req.method} ${context.get("meta").path}.`);
  }
  await next();
});

/** True when `host` (a Host header value or a URL's host) names this machine, on the configured port if any. */
export function isLocalGatewayHost(host: string, config: Pick<Config, "DEV_GATEWAY_PORT">): boolean {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  if (url.host !== host.trim().toLowerCase() || !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname))
    return false;
  return config.DEV_GATEWAY_PORT === undefined || url.port === String(config.DEV_GATEWAY_PORT);
}

devSignInRoutes.post("/sign-in", async (context) => {
  const config = context.get("config");
  // Browsers always send Host; a request without one (a service binding) is judged by its URL alone.
  const hostHeader = context.req.header("host");
  if (
    (hostHeader !== undefined && !isLocalGatewayHost(hostHeader, config)) ||
    !isLocalGatewayHost(new URL(context.req.url).host, config)
  ) {
    throw new GatewayError(
      "forbidden",
      "The local sign-in answers only requests addressed to 127.0.0.1, localhost or [::1] on the gateway's port.",
    );
  }
  const signingKey = config.DEV_SIGNING_KEY;
  const origin = context.req.header("origin");
  const authorizedParty =
    origin && config.CLERK_AUTHORIZED_PARTIES.includes(origin) ? origin : config.CLERK_AUTHORIZED_PARTIES[0];
  if (!signingKey || !authorizedParty) {
    throw new GatewayError(
      "service_not_configured",
      "Local sign-in needs DEV_SIGNING_KEY and CLERK_AUTHORIZED_PARTIES.",
    );
  }
  const session = await signSessionToken(signingKey, {
    clerkUserId: LOCAL_DEV_CLERK_USER_ID,
    authorizedParty,
    ...(config.CLERK_ISSUER !== undefined && { issuer: config.CLERK_ISSUER }),
  });
  context.header("cache-control", "no-store");
  return context.json({
    token: session.token,
    expiresAt: session.expiresAt.toISOString(),
    clerkUserId: LOCAL_DEV_CLERK_USER_ID,
  } satisfies DevSignIn);
});
