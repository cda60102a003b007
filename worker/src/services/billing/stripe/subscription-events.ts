/**
 * Subscription billing (https://docs.stripe.com/billing/subscriptions/webhooks):
 * - `invoice.paid`: the month's credit (`invoice:<id>`, the plan's `monthlyCreditMicroUsd`), and the subscription
 *   synced (plan active, grace cleared).
 * - `invoice.payment_failed`: the subscription synced: past due, the grace period starts (Stripe retries meanwhile).
 * - `customer.subscription.created` / `updated` / `deleted`: the subscription synced (status, period end, cancel at
 *   period end; deleted: the free plan and `cancelled_at`).
 * The invoice names its subscription in `parent.subscription_details.subscription`; the subscription is re-read, so
 * events arriving in any order leave the state Stripe has now.
 */
import type Stripe from "stripe";
import { findPlanOffer } from "../../../catalog/billing-catalog.ts";
import { appendLedgerEntry, type LedgerEntryInput } from "../ledger.ts";
import { NOTHING, idOf, type EventContext, type TransactionWork } from "./event-context.ts";
import { planOf, syncSubscription } from "./subscription-sync.ts";

export async function onInvoice(
  context: EventContext,
  event: Stripe.InvoicePaidEvent | Stripe.InvoicePaymentFailedEvent,
): Promise<TransactionWork> {
  const invoice = await context.stripe.invoices.retrieve(event.data.object.id ?? "");
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscriptionId) return NOTHING;
  const subscription = await context.stripe.subscriptions.retrieve(subscriptionId);
  return async (transaction) => {
    const userId = await syncSubscription(context, transaction, subscription);
    const plan = planOf(subscription);
    const credit = plan ? (findPlanOffer(plan)?.monthlyCreditMicroUsd ?? 0) : 0;
    if (!userId || invoice.status !== "paid" || credit === 0) return [];
    const entry: LedgerEntryInput = {
      userId,
      kind: "plan_credit",
      amountMicroUsd: credit,
      reference: `invoice:${invoice.id ?? ""}`,
    };
    return (await appendLedgerEntry(transaction, entry)) ? [entry] : [];
  };
}

export async function onSubscription(
  context: EventContext,
  event:
    | Stripe.CustomerSubscriptionCreatedEvent
    | Stripe.CustomerSubscriptionUpdatedEvent
    | Stripe.CustomerSubscriptionDeletedEvent,
): Promise<TransactionWork> {
  const subscription = await context.stripe.subscriptions.retrieve(event.data.object.id);
  return async (transaction) => {
    await syncSubscription(context, transaction, subscription);
    return [];
  };
}
