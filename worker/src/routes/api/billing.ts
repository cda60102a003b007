/**
 * `/api/billing`: what the SPA's Billing page reads, and the auto top-up settings (session auth). Answers follow
 * contracts/billing-api.ts. The checkouts, the Customer Portal and subscription changes are mounted beside this
 * router by the providers' routes (billing-stripe.ts, billing-eps.ts).
 * - `GET /api/billing/catalog` → `BillingCatalog`: plans (USD and BDT prices, monthly credit, limits), credit packs,
 *   auto top-up bounds, the low-balance mark and which providers are configured.
 * - `GET /api/billing` → `BillingStatus`: balance, plan, low balance, the current subscription, auto top-up.
 * - `GET /api/billing/payments` → `{ data: PaymentJson[] }`, newest first (at most 100).
 * - `GET /api/billing/payments/:id` → `PaymentJson`; another account's payment is a 404, like an unknown one.
 * - `PUT /api/billing/auto-topup` `{ enabled, thresholdMicroUsd, packId }` → `BillingStatus`; a bad field is a 400
 *   `invalid_request` whose `param` names it.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../app-env.ts";
import type { Config } from "../../env.ts";
import { AUTO_TOPUP, CREDIT_PACKS, LOW_BALANCE_MICRO_USD, PLAN_OFFERS } from "../../catalog/billing-catalog.ts";
import type { BillingCatalog } from "../../contracts/billing-api.ts";
import { GatewayError } from "../../errors.ts";
import { autoTopupSettingsRequestSchema } from "../../services/billing/auto-topup-settings.ts";
import { listPayments, readBillingStatus, readPayment, saveAutoTopup } from "../../services/billing/billing-views.ts";
import { configuredProviders } from "../../services/billing/configured-providers.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { readJsonBody } from "../read-json-body.ts";

function catalog(config: Config): BillingCatalog {
  return {
    plans: PLAN_OFFERS.map((offer) => ({ ...offer, limits: { ...offer.limits } })),
    packs: CREDIT_PACKS.map((pack) => ({ ...pack })),
    autoTopup: {
      packIds: [...AUTO_TOPUP.packIds],
      minThresholdMicroUsd: AUTO_TOPUP.minThresholdMicroUsd,
      maxThresholdMicroUsd: AUTO_TOPUP.maxThresholdMicroUsd,
      maxDeclines: AUTO_TOPUP.maxDeclines,
    },
    lowBalanceMicroUsd: LOW_BALANCE_MICRO_USD,
    providers: configuredProviders(config),
  };
}

export const billingRoutes = new Hono<AppEnv>();

billingRoutes.get("/catalog", (context) => context.json(catalog(context.get("config"))));

billingRoutes.get("/", async (context) => {
  context.header("cache-control", "no-store");
  return context.json(await readBillingStatus(context.get("services").database(), context.get("account").userId));
});

billingRoutes.get("/payments", async (context) => {
  context.header("cache-control", "no-store");
  const data = await listPayments(context.get("services").database(), context.get("account").userId);
  return context.json({ data });
});

billingRoutes.get("/payments/:id", async (context) => {
  const id = context.req.param("id");
  // Anything but a UUID cannot be a payment: 404 without a query.
  if (!z.uuid().safeParse(id).success) throw new GatewayError("not_found", "No such payment.");
  context.header("cache-control", "no-store");
  return context.json(await readPayment(context.get("services").database(), context.get("account").userId, id));
});

billingRoutes.put("/auto-topup", async (context) => {
  const body = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, autoTopupSettingsRequestSchema);
  const db = context.get("services").database();
  const { userId } = context.get("account");
  await saveAutoTopup(db, userId, body);
  return context.json(await readBillingStatus(db, userId));
});
