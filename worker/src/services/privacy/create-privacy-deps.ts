import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../db/client.ts";
import type { Config } from "../../env.ts";
import { createStripeClient } from "../billing/stripe/stripe-client.ts";
import { stripeCustomerEraser } from "../billing/stripe/stripe-customer.ts";
import { clerkBackendApiFromConfig } from "./clerk-user-deletion.ts";
import type { PrivacyDeps } from "./privacy-deps.ts";

/**
 * Deletion's and retention's dependencies from the validated config, over the caller's database and Redis.
 * The payment-customer hook is Stripe's when Stripe is configured (EPS keeps no customer record).
 */
export function createPrivacyDeps(config: Config, db: Database, redis: Redis): PrivacyDeps {
  const stripe = createStripeClient(config);
  return {
    db,
    redis,
    clerk: clerkBackendApiFromConfig(config),
    paymentCustomers: stripe ? stripeCustomerEraser(db, stripe) : null,
  };
}
