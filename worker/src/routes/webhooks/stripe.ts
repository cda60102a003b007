/**
 * `POST /webhooks/stripe`: Stripe's events (docs/billing.md, "Stripe").
 * 1. The raw body is read as text and verified first: `Stripe-Signature` (`t=…,v1=…`, HMAC-SHA256 under
 *    `STRIPE_WEBHOOK_SECRET`) through the SDK's `constructEventAsync` with the SubtleCrypto provider, 300 s tolerance.
 *    Missing, forged or stale: 400 `invalid_webhook_signature`, nothing read or written.
 * 2. The event is applied once (services/billing/stripe/apply-stripe-event.ts): its id is recorded in the same
 *    transaction as its effect. Answers `{ "received": true, "outcome": "applied" | "duplicate" | "ignored" }`.
 * A failure answers 500, so Stripe retries. Logs carry the event id and type only, never the payload.
 */
import { Hono } from "hono";
import Stripe from "stripe";
import type { AppEnv } from "../../app-env.ts";
import { GatewayError } from "../../errors.ts";
import { applyStripeEvent } from "../../services/billing/stripe/apply-stripe-event.ts";
import { requireStripe } from "../../services/billing/stripe/stripe-client.ts";

const cryptoProvider = Stripe.createSubtleCryptoProvider();

export const stripeWebhookRoutes = new Hono<AppEnv>();

stripeWebhookRoutes.post("/", async (context) => {
  const config = context.get("config");
  const secret = config.STRIPE_WEBHOOK_SECRET;
  if (!secret)
    throw new GatewayError(
      "service_not_configured",
      "Stripe webhooks are not configured on this gateway (STRIPE_WEBHOOK_SECRET).",
    );
  const stripe = requireStripe(config);
  const body = await context.req.text();
  const signature = context.req.header("stripe-signature") ?? "";
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(body, signature, secret, undefined, cryptoProvider);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError)
      throw new GatewayError(
        "invalid_webhook_signature",
        "The Stripe-Signature header is missing, stale or does not match the body.",
      );
    throw new GatewayError("invalid_request", "The webhook body is not JSON.");
  }
  if (!isEventEnvelope(event)) throw new GatewayError("invalid_request", "The webhook body is not a Stripe event.");
  const services = context.get("services");
  const outcome = await applyStripeEvent(
    {
      db: services.database(),
      scripts: services.scripts,
      stripe,
      plans: { redis: context.get("redis"), background: context.executionCtx },
      now: new Date(),
    },
    event,
  );
  console.log(JSON.stringify({ event: "stripe-webhook", id: event.id, type: event.type, outcome }));
  return context.json({ received: true, outcome });
});

/** What every handler relies on: an event id, a type, and the object with its id. */
function isEventEnvelope(event: unknown): event is Stripe.Event {
  if (typeof event !== "object" || event === null) return false;
  const { id, type, data } = event as { id?: unknown; type?: unknown; data?: { object?: { id?: unknown } } };
  return typeof id === "string" && typeof type === "string" && typeof data?.object?.id === "string";
}
