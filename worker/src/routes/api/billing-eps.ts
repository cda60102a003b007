/**
 * EPS checkout for the SPA (`/api/billing/eps/*`, session auth), docs/billing.md:
 * - `POST /checkout` `{ kind, productId }` → `{ url, paymentId, merchantReference }`: our order, then InitializeEPS;
 *   the browser goes to `url` (EPS's payment page). 503 when EPS is not configured, 502 when EPS refuses.
 * - `POST /verify` `{ merchantReference }` → `{ paymentId, merchantReference, status }`: the return page's server-side
 *   check of one of the caller's orders with CheckMerchantTransactionStatus (the only path to a grant, with the IPN
 *   and the pending re-check). The return URL's own query is never read.
 */
import { Hono, type Context } from "hono";
import { and, eq } from "drizzle-orm";
import type { AppEnv } from "../../app-env.ts";
import { payments } from "../../../../db/schema.ts";
import {
  checkoutRequestSchema,
  epsVerifyRequestSchema,
  type CheckoutResponse,
  type EpsVerifyResponse,
} from "../../contracts/billing-api.ts";
import { GatewayError } from "../../errors.ts";
import { createEpsClient } from "../../services/billing/eps/eps-client.ts";
import { createEpsCheckout } from "../../services/billing/eps/eps-checkout.ts";
import { epsSettings, type EpsSettings } from "../../services/billing/eps/eps-settings.ts";
import { verifyEpsPayment, type EpsVerificationDeps } from "../../services/billing/eps/eps-verification.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { readJsonBody } from "../read-json-body.ts";

/** The SPA page EPS sends the browser back to (with our `payment` id and EPS's unsigned `Status`). */
const RETURN_PATH = "/billing";

export const billingEpsRoutes = new Hono<AppEnv>();

function requireEps(context: Context<AppEnv>): EpsSettings {
  const settings = epsSettings(context.get("config"));
  if (!settings)
    throw new GatewayError("service_not_configured", "EPS payments are not configured on this gateway (EPS_*).");
  return settings;
}

/** Verification's dependencies for this request. */
export function epsVerificationDeps(context: Context<AppEnv>, settings: EpsSettings): EpsVerificationDeps {
  const services = context.get("services");
  return {
    db: services.database(),
    redis: context.get("redis"),
    scripts: services.scripts,
    background: context.executionCtx,
    client: createEpsClient(settings),
    now: new Date(),
  };
}

/** The SPA origin to return to: the request's Origin when it is an allowed SPA origin, else the first one. */
function returnPageUrl(context: Context<AppEnv>): string {
  const allowed = context.get("config").CLERK_AUTHORIZED_PARTIES;
  const origin = context.req.header("origin");
  const chosen = origin && allowed.includes(origin) ? origin : allowed[0];
  if (!chosen)
    throw new GatewayError("service_not_configured", "No SPA origin is configured (CLERK_AUTHORIZED_PARTIES).");
  return `${chosen}${RETURN_PATH}`;
}

billingEpsRoutes.post("/checkout", async (context) => {
  const settings = requireEps(context);
  const request = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, checkoutRequestSchema);
  const response: CheckoutResponse = await createEpsCheckout(
    { db: context.get("services").database(), client: createEpsClient(settings), settings },
    { userId: context.get("account").userId, request, returnPageUrl: returnPageUrl(context) },
  );
  return context.json(response);
});

billingEpsRoutes.post("/verify", async (context) => {
  const settings = requireEps(context);
  const { merchantReference } = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, epsVerifyRequestSchema);
  const db = context.get("services").database();
  const [owned] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(
      and(
        eq(payments.provider, "eps"),
        eq(payments.merchantReference, merchantReference),
        eq(payments.userId, context.get("account").userId),
      ),
    );
  if (!owned) throw new GatewayError("not_found", "No EPS payment of this account has that reference.");
  const { payment } = await verifyEpsPayment(epsVerificationDeps(context, settings), merchantReference);
  if (!payment) throw new GatewayError("not_found", "No EPS payment of this account has that reference.");
  const response: EpsVerifyResponse = {
    paymentId: payment.id,
    merchantReference: payment.merchantReference,
    status: payment.status as EpsVerifyResponse["status"],
  };
  return context.json(response);
});
