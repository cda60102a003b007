/**
 * Which payment providers this deployment can take money through, from the worker's raw bindings: Stripe when
 * `STRIPE_SECRET_KEY` is set, EPS when every `EPS_*` credential is. `GET /api/billing/catalog` says so, and the SPA
 * shows only the checkouts that can work. Read from the bindings (not `Config`) so the answer stays right whichever
 * helper's validation of these variables is in env.ts; the checkout routes validate them before use.
 */

/** The EPS credentials a checkout needs (the eps helper's configuration; docs/configuration.md). */
export const EPS_REQUIRED_BINDINGS = [
  "EPS_BASE_URL",
  "EPS_USERNAME",
  "EPS_PASSWORD",
  "EPS_HASH_KEY",
  "EPS_MERCHANT_ID",
  "EPS_STORE_ID",
  "EPS_IPN_SECRET",
] as const;

export interface ConfiguredProviders {
  stripe: boolean;
  eps: boolean;
}

const isSet = (value: unknown): boolean => typeof value === "string" && value.trim() !== "";

export function configuredProviders(bindings: Record<string, unknown>): ConfiguredProviders {
  return {
    stripe: isSet(bindings.STRIPE_SECRET_KEY),
    eps: EPS_REQUIRED_BINDINGS.every((name) => isSet(bindings[name])),
  };
}
