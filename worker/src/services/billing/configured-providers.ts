/**
 * Which payment providers this deployment can take money through: Stripe when `STRIPE_SECRET_KEY` is set, EPS when
 * its whole configuration is (eps-settings.ts; env.ts refuses a partial one). `GET /api/billing/catalog` says so, and
 * the SPA shows only the checkouts that can work.
 */
import type { Config } from "../../env.ts";
import { epsSettings } from "./eps/eps-settings.ts";
import { createStripeClient } from "./stripe/stripe-client.ts";

export interface ConfiguredProviders {
  stripe: boolean;
  eps: boolean;
}

export function configuredProviders(config: Config): ConfiguredProviders {
  return { stripe: createStripeClient(config) !== null, eps: epsSettings(config) !== null };
}
