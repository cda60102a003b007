/**
 * Subscription billing (https://docs.stripe.com/billing/subscriptions/webhooks):
 * - `invoice.paid`: the subscription synced (plan active, grace cleared) and the invoice's credit, `invoice:<id>`:
 *   a month's (`subscription_create`, `subscription_cycle`) is the plan's `monthlyCreditMicroUsd`; a plan change's
 *   proration (`subscription_update`) grants the new plan's monthly credit × `amount_paid` ÷ its monthly price
 *   (money.ts `proportionalCredit`, at most one month's): pro to team with half the period left pays
 *   (100 − 20) ÷ 2 = 40 USD and gets 100 × 40 ÷ 100 = 40 USD of credit; a downgrade pays nothing, so it grants
 *   nothing, and it takes nothing back (the month's credit was paid for). The plan of a change's invoice is its
 *   new price's (the largest positive line), so late events of two quick changes each credit their own plan.
 * - `invoice.payment_failed`: the subscription synced: past due, the grace period starts (Stripe retries meanwhile).
 * - `customer.subscription.created` / `updated` / `deleted`: the subscription synced (status, period end, cancel at
 *   period end; deleted: the free plan and `cancelled_at`).
 * The invoice names its subscription in `parent.subscription_details.subscription`; the subscription is re-read, so
 * events arriving in any order leave the state Stripe has now.
 */
import type Stripe from "stripe";
import { findPlanOffer, type SoldPlanId } from "../../../catalog/billing-catalog.ts";
import { proportionalCredit } from "../../../lib/money.ts";
import { appendLedgerEntry, type LedgerEntryInput } from "../ledger.ts";
import { NOTHING, idOf, type EventContext, type TransactionWork } from "./event-context.ts";
import { planOfPrice } from "./plan-prices.ts";
import { planOf, syncSubscription } from "./subscription-sync.ts";

export async function onInvoice(
  context: EventContext,
  event: Stripe.InvoicePaidEvent | Stripe.InvoicePaymentFailedEvent,
): Promise<TransactionWork> {
  const invoice = await context.stripe.invoices.retrieve(event.data.object.id ?? "");
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
  if (!subscriptionId) return NOTHING;
  const subscription = await context.stripe.subscriptions.retrieve(subscriptionId);
  const invoicedPlan = await planOfChangeInvoice(context.stripe, invoice);
  return async (transaction) => {
    const userId = await syncSubscription(context, transaction, subscription);
    const credit = invoiceCredit(invoice, invoicedPlan ?? planOf(subscription));
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

/**
 * The plan a plan change's invoice charged for: the price of its largest positive line (the new plan's proration),
 * so two quick changes whose events come late still credit each invoice at its own plan. Null for other invoices,
 * or when no line names a plan's price (then the subscription's plan decides).
 */
async function planOfChangeInvoice(stripe: Stripe, invoice: Stripe.Invoice): Promise<SoldPlanId | null> {
  if (invoice.billing_reason !== "subscription_update") return null;
  const [line] = invoice.lines.data.filter((candidate) => candidate.amount > 0).sort((a, b) => b.amount - a.amount);
  const priceId = idOf(line?.pricing?.price_details?.price);
  return priceId ? planOfPrice(await stripe.prices.retrieve(priceId)) : null;
}

/** The credit a paid subscription invoice grants (see the header); 0 for other billing reasons. */
export function invoiceCredit(
  invoice: Pick<Stripe.Invoice, "billing_reason" | "amount_paid">,
  plan: SoldPlanId | null,
): number {
  const offer = plan ? findPlanOffer(plan) : undefined;
  if (!offer) return 0;
  switch (invoice.billing_reason) {
    case "subscription_create":
    case "subscription_cycle":
      return offer.monthlyCreditMicroUsd;
    case "subscription_update":
      return proportionalCredit(offer.monthlyCreditMicroUsd, invoice.amount_paid, offer.monthlyPriceUsdCents);
    default:
      return 0;
  }
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
