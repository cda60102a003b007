/**
 * The official `stripe` SDK, one client per request (Workers rule: IO clients per request). Its worker build uses
 * `fetch` and SubtleCrypto. `STRIPE_API_BASE` (local only) points it at the simulator (local/stripe-sim) through the
 * SDK's `host` / `port` / `protocol` options. The API version is the SDK's pinned one (stripe 23.2.0:
 * `2026-11-18.endive`); the webhook endpoint at Stripe must be created with the same version.
 */
import Stripe from "stripe";
import type { Config } from "../../../env.ts";
import { GatewayError } from "../../../errors.ts";

export type StripeConfig = Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">;

export function createStripeClient(config: StripeConfig): Stripe | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : null;
  const protocol = base?.protocol === "http:" ? "http" : "https";
  return new Stripe(config.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    // Idempotency keys make the SDK's retries safe; two keep a webhook or a checkout within its time budget.
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
    ...(base ? { host: base.hostname, port: Number(base.port || (protocol === "http" ? 80 : 443)), protocol } : {}),
  });
}

/** The client, or a 503 `service_not_configured` naming the missing secret. */
export function requireStripe(config: StripeConfig): Stripe {
  const stripe = createStripeClient(config);
  if (!stripe)
    throw new GatewayError("service_not_configured", "Stripe is not configured on this gateway (STRIPE_SECRET_KEY).");
  return stripe;
}
