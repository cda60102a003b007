/**
 * Starting a Stripe Checkout (https://docs.stripe.com/checkout/fulfillment): our `payments` row first (pending, with
 * a fresh merchant reference), then the Checkout Session with that reference as its idempotency key and in metadata,
 * the account in `client_reference_id` and metadata. Packs are `mode: payment` (the card is saved for auto top-up);
 * plans are `mode: subscription` with the plan and account in `subscription_data.metadata`, which is how invoices
 * find the account later. Prices are inline `price_data` from the catalog: nothing to set up at Stripe.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { payments, subscriptions } from "../../../../../db/schema.ts";
import { findCreditPack, findPlanOffer } from "../../../catalog/billing-catalog.ts";
import type { CheckoutRequest, CheckoutResponse } from "../../../contracts/billing-api.ts";
import { GatewayError } from "../../../errors.ts";
import { ensureStripeCustomer } from "./stripe-customer.ts";

/** Stripe subscription states in which the account already has (or is about to have) a plan. */
export const LIVE_SUBSCRIPTION_STATUSES = ["active", "past_due", "incomplete"] as const;

interface Product {
  purpose: "pack" | "plan";
  productId: string;
  name: string;
  amountCents: number;
  creditMicroUsd: number;
}

function findProduct(request: CheckoutRequest): Product {
  if (request.kind === "pack") {
    const pack = findCreditPack(request.productId);
    if (pack) {
      const name = `omnizen credit ${(pack.creditMicroUsd / 1_000_000).toFixed(2)} USD`;
      return {
        purpose: "pack",
        productId: pack.id,
        name,
        amountCents: pack.priceUsdCents,
        creditMicroUsd: pack.creditMicroUsd,
      };
    }
  } else {
    const plan = findPlanOffer(request.productId);
    if (plan && plan.monthlyPriceUsdCents > 0) {
      const name = `omnizen ${plan.id} plan`;
      return { purpose: "plan", productId: plan.id, name, amountCents: plan.monthlyPriceUsdCents, creditMicroUsd: 0 };
    }
  }
  throw new GatewayError("invalid_request", `No ${request.kind} named '${request.productId}' is for sale.`, {
    param: "productId",
  });
}

export async function startStripeCheckout(
  deps: { db: Database; stripe: Stripe },
  userId: string,
  request: CheckoutRequest,
  returnOrigin: string,
): Promise<CheckoutResponse> {
  const product = findProduct(request);
  if (product.purpose === "plan") await refuseSecondSubscription(deps.db, userId);
  const customer = await ensureStripeCustomer(deps.db, deps.stripe, userId);
  const merchantReference = `omz_${crypto.randomUUID().replaceAll("-", "")}`;
  const [payment] = await deps.db
    .insert(payments)
    .values({
      userId,
      provider: "stripe",
      purpose: product.purpose,
      productId: product.productId,
      merchantReference,
      amountMinor: product.amountCents,
      currency: "usd",
      creditMicroUsd: product.creditMicroUsd,
    })
    .returning({ id: payments.id });
  if (!payment) throw new Error("payment row not created");
  const metadata = { user_id: userId, payment_id: payment.id, merchant_reference: merchantReference };
  const session = await deps.stripe.checkout.sessions.create(
    {
      mode: product.purpose === "pack" ? "payment" : "subscription",
      customer,
      client_reference_id: userId,
      metadata,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: product.amountCents,
            product_data: { name: product.name, metadata: { product_id: product.productId } },
            ...(product.purpose === "plan" ? { recurring: { interval: "month" as const } } : {}),
          },
        },
      ],
      ...(product.purpose === "pack"
        ? { payment_intent_data: { metadata, setup_future_usage: "off_session" as const } }
        : { subscription_data: { metadata: { user_id: userId, plan: product.productId } } }),
      success_url: `${returnOrigin}/billing?payment=${payment.id}`,
      cancel_url: `${returnOrigin}/billing?payment=${payment.id}&cancelled=1`,
    },
    { idempotencyKey: merchantReference },
  );
  await deps.db.update(payments).set({ providerReference: session.id }).where(eq(payments.id, payment.id));
  if (!session.url) throw new Error("checkout session has no url");
  return { url: session.url, paymentId: payment.id, merchantReference };
}

async function refuseSecondSubscription(db: Database, userId: string): Promise<void> {
  const [live] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        eq(subscriptions.provider, "stripe"),
        inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  if (live)
    throw new GatewayError(
      "conflict",
      "The account already has a live Stripe subscription: cancel it (it ends with its period) before another plan.",
    );
}
