/**
 * The Stripe part of the billing API (contracts/billing-api.ts), mounted under `/api/billing`:
 * - `POST /stripe/checkout` `{ kind, productId }` → `{ url, paymentId, merchantReference }`: a Checkout Session for a
 *   pack or a plan (services/billing/stripe/checkout.ts); the SPA sends the browser to `url`.
 * - `POST /stripe/portal` → `{ url }`: Stripe's Customer Portal (cards, invoices, cancellation).
 * - `POST /subscription/cancel` and `/resume` → `{ subscription }`: cancel at period end, or undo it.
 * - `POST /subscription/change` `{ plan }` → `{ subscription, chargedNowMinor, currency }`: another paid plan, prorated
 *   by Stripe (services/billing/stripe/stripe-plan-change.ts).
 * Stripe not configured: 503 `service_not_configured`. The browser comes back to the SPA origin that called (one of
 * CLERK_AUTHORIZED_PARTIES).
 */
import { Hono, type Context } from "hono";
import { eq } from "drizzle-orm";
import { users } from "../../../../db/schema.ts";
import type { AppEnv } from "../../app-env.ts";
import {
  checkoutRequestSchema,
  subscriptionChangeRequestSchema,
  type CheckoutResponse,
  type PortalResponse,
  type SubscriptionChangeResponse,
} from "../../contracts/billing-api.ts";
import { GatewayError } from "../../errors.ts";
import { startStripeCheckout } from "../../services/billing/stripe/checkout.ts";
import { requireStripe } from "../../services/billing/stripe/stripe-client.ts";
import { changeStripePlan } from "../../services/billing/stripe/stripe-plan-change.ts";
import { setCancelAtPeriodEnd } from "../../services/billing/stripe/stripe-subscription-changes.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { readJsonBody } from "../read-json-body.ts";

export const billingStripeRoutes = new Hono<AppEnv>();

/** The SPA origin to send the browser back to: the caller's, when it is an authorized one. */
function returnOrigin(context: Context<AppEnv>): string {
  const allowed = context.get("config").CLERK_AUTHORIZED_PARTIES;
  const origin = context.req.header("origin");
  const chosen = origin && allowed.includes(origin) ? origin : allowed[0];
  if (!chosen)
    throw new GatewayError("service_not_configured", "No SPA origin is configured (CLERK_AUTHORIZED_PARTIES).");
  return chosen;
}

billingStripeRoutes.post("/stripe/checkout", async (context) => {
  const request = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, checkoutRequestSchema);
  const stripe = requireStripe(context.get("config"));
  const db = context.get("services").database();
  const response = await startStripeCheckout(
    { db, stripe },
    context.get("account").userId,
    request,
    returnOrigin(context),
  );
  return context.json(response satisfies CheckoutResponse);
});

billingStripeRoutes.post("/stripe/portal", async (context) => {
  const stripe = requireStripe(context.get("config"));
  const db = context.get("services").database();
  const [user] = await db
    .select({ customerId: users.stripeCustomerId })
    .from(users)
    .where(eq(users.id, context.get("account").userId));
  if (!user?.customerId)
    throw new GatewayError("conflict", "The account has not paid with a card yet: there is no Stripe customer.");
  const session = await stripe.billingPortal.sessions.create({
    customer: user.customerId,
    return_url: `${returnOrigin(context)}/billing`,
  });
  return context.json({ url: session.url } satisfies PortalResponse);
});

for (const [action, cancel] of [
  ["cancel", true],
  ["resume", false],
] as const) {
  billingStripeRoutes.post(`/subscription/${action}`, async (context) => {
    const stripe = requireStripe(context.get("config"));
    const db = context.get("services").database();
    const subscription = await setCancelAtPeriodEnd({ db, stripe }, context.get("account").userId, cancel);
    return context.json({ subscription });
  });
}

billingStripeRoutes.post("/subscription/change", async (context) => {
  const request = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, subscriptionChangeRequestSchema);
  const stripe = requireStripe(context.get("config"));
  const services = context.get("services");
  const response = await changeStripePlan(
    { db: services.database(), stripe, redis: context.get("redis"), background: context.executionCtx },
    context.get("account").userId,
    request.plan,
  );
  return context.json(response satisfies SubscriptionChangeResponse);
});
