/**
 * The billing API's contract (issue 12): zod schemas of what `/api/billing/*` accepts and answers. The worker
 * validates with them (routes/api/billing*.ts); the SPA takes its types from them (`import type`), so the two cannot
 * drift. Imports zod only (see dashboard-api.ts for the conventions). Money: credit in integer micro-USD
 * (`...MicroUsd`); prices in the currency's minor unit (`...Minor` with a `currency`, or `...UsdCents` /
 * `...BdtPaisa`). No card or bank data ever appears here (policy 1.3): only our and the provider's references.
 */
import * as z from "zod";

const isoDateTime = z.iso.datetime({ offset: true });
const microUsd = z.number().int();
const minor = z.number().int().nonnegative();

export const paymentProviderSchema = z.enum(["stripe", "eps"]);
export const currencySchema = z.enum(["usd", "bdt"]);
export const soldPlanIdSchema = z.enum(["free", "pro", "team"]);

// ---- GET /api/billing/catalog -------------------------------------------------------------------------------------

export const planOfferSchema = z.object({
  id: soldPlanIdSchema,
  monthlyPriceUsdCents: minor,
  monthlyPriceBdtPaisa: minor,
  monthlyCreditMicroUsd: microUsd,
  limits: z.object({
    requestsPerMinute: z.number().int(),
    tokensPerMinute: z.number().int(),
    concurrentRequests: z.number().int(),
  }),
});

export const creditPackSchema = z.object({
  id: z.string(),
  priceUsdCents: minor,
  priceBdtPaisa: minor,
  creditMicroUsd: microUsd,
});

export const billingCatalogSchema = z.object({
  plans: z.array(planOfferSchema),
  packs: z.array(creditPackSchema),
  autoTopup: z.object({
    packIds: z.array(z.string()),
    minThresholdMicroUsd: microUsd,
    maxThresholdMicroUsd: microUsd,
    maxDeclines: z.number().int(),
  }),
  lowBalanceMicroUsd: microUsd,
  /** Which providers are configured on this deployment (a checkout with another answers 503). */
  providers: z.object({ stripe: z.boolean(), eps: z.boolean() }),
});

// ---- GET /api/billing ---------------------------------------------------------------------------------------------

export const subscriptionStatusSchema = z.enum(["active", "past_due", "unpaid", "canceled", "incomplete", "expired"]);

export const subscriptionSchema = z.object({
  id: z.uuid(),
  plan: soldPlanIdSchema,
  provider: paymentProviderSchema,
  status: subscriptionStatusSchema,
  currentPeriodEnd: isoDateTime.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  cancelledAt: isoDateTime.nullable(),
  /** Past due: the plan holds until then. */
  graceUntil: isoDateTime.nullable(),
  /** EPS only: a renewal is due (the period ends within `EPS_PERIOD.reminderDays`, or is in grace). */
  renewalDue: z.boolean(),
});

export const autoTopupSettingsSchema = z.object({
  enabled: z.boolean(),
  thresholdMicroUsd: microUsd.nullable(),
  /** The pack bought when the balance falls below the threshold. */
  packId: z.string().nullable(),
  /** Declines in a row; auto top-up turns itself off at `maxDeclines`. */
  declines: z.number().int().nonnegative(),
  /** A saved card exists at Stripe (auto top-up needs one). */
  hasSavedCard: z.boolean(),
});

export const billingStatusSchema = z.object({
  balanceMicroUsd: microUsd,
  plan: z.string(),
  lowBalance: z.boolean(),
  /** The newest subscription that is not over, or null. */
  subscription: subscriptionSchema.nullable(),
  autoTopup: autoTopupSettingsSchema,
});

// ---- GET /api/billing/payments ------------------------------------------------------------------------------------

export const paymentStatusSchema = z.enum([
  "pending",
  "succeeded",
  "failed",
  "cancelled",
  "refunded",
  "partially_refunded",
  "disputed",
]);

export const paymentSchema = z.object({
  id: z.uuid(),
  provider: paymentProviderSchema,
  purpose: z.enum(["pack", "plan", "auto_topup"]),
  productId: z.string(),
  /** Our reference (EPS merchant transaction id, or the id Stripe has in metadata). */
  merchantReference: z.string(),
  /** The provider's reference (Stripe Checkout Session / PaymentIntent, EPS transaction id); null until known. */
  providerReference: z.string().nullable(),
  amountMinor: minor,
  currency: currencySchema,
  creditMicroUsd: microUsd,
  status: paymentStatusSchema,
  refundedMinor: minor,
  createdAt: isoDateTime,
  completedAt: isoDateTime.nullable(),
});

export const paymentListSchema = z.object({ data: z.array(paymentSchema) });

// ---- checkouts ----------------------------------------------------------------------------------------------------

/** `POST /api/billing/stripe/checkout` and `POST /api/billing/eps/checkout`. */
export const checkoutRequestSchema = z.object({
  kind: z.enum(["pack", "plan"]),
  /** A pack id, or a paid plan id (`pro`, `team`). */
  productId: z.string().min(1).max(64),
});

/** The page to send the browser to (Stripe Checkout, or EPS's payment page). */
export const checkoutResponseSchema = z.object({
  url: z.url(),
  paymentId: z.uuid(),
  merchantReference: z.string(),
});

/**
 * `POST /api/billing/eps/verify`: the page EPS returns the browser to asks the server to check the order with EPS
 * (its query is unsigned and grants nothing); answers the order's status after the check.
 */
export const epsVerifyRequestSchema = z.object({ merchantReference: z.string().min(10).max(64) });
export const epsVerifyResponseSchema = z.object({
  paymentId: z.uuid(),
  merchantReference: z.string(),
  status: paymentStatusSchema,
});

/** `POST /api/billing/stripe/portal`: Stripe's Customer Portal for cards, invoices and plan changes. */
export const portalResponseSchema = z.object({ url: z.url() });

/** `GET /api/billing/payments/:id`: one payment, for the page the provider returns the browser to. */
export const paymentResponseSchema = paymentSchema;

/** `PUT /api/billing/auto-topup`. */
export const autoTopupRequestSchema = z.object({
  enabled: z.boolean(),
  thresholdMicroUsd: microUsd.nullable(),
  packId: z.string().nullable(),
});

/** `POST /api/billing/subscription/cancel` and `/resume`: the subscription after the change. */
export const subscriptionResponseSchema = z.object({ subscription: subscriptionSchema.nullable() });

/**
 * `POST /api/billing/subscription/change`: the Stripe subscription moves to another paid plan. Stripe prorates: an
 * upgrade is charged now for the rest of the period (`chargedNowMinor`, US cents; its credit follows with the
 * invoice), a downgrade charges nothing and leaves the unused time as credit at Stripe for the next invoices.
 */
export const subscriptionChangeRequestSchema = z.object({ plan: soldPlanIdSchema.exclude(["free"]) });
export const subscriptionChangeResponseSchema = z.object({
  subscription: subscriptionSchema,
  chargedNowMinor: minor,
  currency: z.literal("usd"),
});

export type PlanOfferJson = z.infer<typeof planOfferSchema>;
export type CreditPackJson = z.infer<typeof creditPackSchema>;
export type BillingCatalog = z.infer<typeof billingCatalogSchema>;
export type SubscriptionJson = z.infer<typeof subscriptionSchema>;
export type AutoTopupSettings = z.infer<typeof autoTopupSettingsSchema>;
export type BillingStatus = z.infer<typeof billingStatusSchema>;
export type PaymentJson = z.infer<typeof paymentSchema>;
export type PaymentList = z.infer<typeof paymentListSchema>;
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;
export type CheckoutResponse = z.infer<typeof checkoutResponseSchema>;
export type EpsVerifyRequest = z.infer<typeof epsVerifyRequestSchema>;
export type EpsVerifyResponse = z.infer<typeof epsVerifyResponseSchema>;
export type PortalResponse = z.infer<typeof portalResponseSchema>;
export type AutoTopupRequest = z.infer<typeof autoTopupRequestSchema>;
export type SubscriptionChangeRequest = z.infer<typeof subscriptionChangeRequestSchema>;
export type SubscriptionChangeResponse = z.infer<typeof subscriptionChangeResponseSchema>;
