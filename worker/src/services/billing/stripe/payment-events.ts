/**
 * One-time payments (https://docs.stripe.com/checkout/fulfillment):
 * - `checkout.session.completed`: pack, credit if the re-read session is `paid` (else wait for the async result);
 *   plan, the subscription row and plan (subscription-sync.ts).
 * - `checkout.session.async_payment_succeeded`: pack, credit (the re-read session is `paid`).
 * - `checkout.session.async_payment_failed`: pack, the payment fails.
 * - `checkout.session.expired`: pack or plan, the pending payment is cancelled (stale-checkouts.ts does it too).
 * - `payment_intent.succeeded`: auto top-up, credit and the declines reset.
 * - `payment_intent.payment_failed`: auto top-up, the payment fails and counts one decline.
 * The session or intent is re-read from Stripe, so a late `completed` after `async_payment_succeeded` changes nothing.
 */
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { users } from "../../../../../db/schema.ts";
import { NOTHING, idOf, type EventContext, type TransactionWork } from "./event-context.ts";
import {
  cancelPayment,
  countAutoTopupDecline,
  failPayment,
  fulfilPayment,
  paymentByMerchantReference,
} from "./payment-records.ts";
import { syncSubscription } from "./subscription-sync.ts";

export async function onCheckoutSession(
  context: EventContext,
  event:
    | Stripe.CheckoutSessionCompletedEvent
    | Stripe.CheckoutSessionAsyncPaymentSucceededEvent
    | Stripe.CheckoutSessionAsyncPaymentFailedEvent
    | Stripe.CheckoutSessionExpiredEvent,
): Promise<TransactionWork> {
  const session = await context.stripe.checkout.sessions.retrieve(event.data.object.id);
  const reference = session.metadata?.merchant_reference;
  if (session.status === "expired")
    return async (transaction) => {
      const payment = await paymentByMerchantReference(transaction, reference);
      if (payment) await cancelPayment(transaction, payment.id, context.now);
      return [];
    };
  if (session.mode === "subscription") {
    const subscriptionId = idOf(session.subscription);
    const subscription = subscriptionId ? await context.stripe.subscriptions.retrieve(subscriptionId) : null;
    return async (transaction) => {
      const payment = await paymentByMerchantReference(transaction, reference);
      if (payment && session.payment_status === "paid")
        await fulfilPayment(transaction, payment, {
          intentId: null,
          amountCents: session.amount_total ?? 0,
          currency: session.currency ?? "",
        });
      if (subscription) await syncSubscription(context, transaction, subscription);
      return [];
    };
  }
  if (session.mode !== "payment") return NOTHING;
  const intentId = idOf(session.payment_intent);
  return async (transaction) => {
    const payment = await paymentByMerchantReference(transaction, reference);
    if (!payment) return [];
    if (session.payment_status === "paid")
      return fulfilPayment(transaction, payment, {
        intentId,
        amountCents: session.amount_total ?? 0,
        currency: session.currency ?? "",
      });
    if (event.type === "checkout.session.async_payment_failed") await failPayment(transaction, payment.id, intentId);
    return [];
  };
}

export async function onPaymentIntent(
  context: EventContext,
  event: Stripe.PaymentIntentSucceededEvent | Stripe.PaymentIntentPaymentFailedEvent,
): Promise<TransactionWork> {
  if (event.data.object.metadata?.purpose !== "auto_topup") return NOTHING;
  const intent = await context.stripe.paymentIntents.retrieve(event.data.object.id);
  return async (transaction) => {
    const payment = await paymentByMerchantReference(transaction, intent.metadata.merchant_reference);
    if (!payment?.userId) return [];
    if (intent.status === "succeeded") {
      const entries = await fulfilPayment(transaction, payment, {
        intentId: intent.id,
        amountCents: intent.amount_received,
        currency: intent.currency,
      });
      await transaction.update(users).set({ autoTopupDeclines: 0 }).where(eq(users.id, payment.userId));
      return entries;
    }
    if (intent.status === "requires_payment_method" || intent.status === "canceled") {
      if (await failPayment(transaction, payment.id, intent.id))
        await countAutoTopupDecline(transaction, payment.userId);
    }
    return [];
  };
}
