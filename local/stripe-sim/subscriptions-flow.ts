/**
 * Subscriptions and their invoices (https://docs.stripe.com/billing/subscriptions/webhooks), one monthly item each:
 * - opened by a paid subscription-mode Checkout: `customer.subscription.created`, `invoice.paid`
 *   (`billing_reason: subscription_create`);
 * - `renew` (the test clock's next cycle): the item's period moves on a month, `invoice.paid` with
 *   `subscription_cycle`, `customer.subscription.updated`;
 * - `failRenewal`: a `subscription_cycle` invoice stays open, `invoice.payment_failed`, the subscription goes
 *   `past_due` (`customer.subscription.updated`);
 * - `update`: `cancel_at_period_end`, `metadata`, and a new price for the item (plan-change-flow.ts);
 * - `cancel` (`customer.subscription.deleted`).
 */
import { formBoolean, formStringMap, type FormObject } from "./form-body.ts";
import { chargeInvoice } from "./invoices-flow.ts";
import { listOf, newId, nowSeconds, type Invoice, type PriceData, type Subscription } from "./objects.ts";
import { changeSubscriptionPrice } from "./plan-change-flow.ts";
import { StripeSimError, type StripeState } from "./state.ts";

export function startSubscription(
  state: StripeState,
  options: { customer: string; price: PriceData; metadata: Record<string, string>; periodSeconds: number },
): { subscription: Subscription; invoice: Invoice } {
  const start = nowSeconds();
  const id = newId("sub");
  const subscription: Subscription = {
    id,
    object: "subscription",
    customer: options.customer,
    status: "active",
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
    ended_at: null,
    currency: options.price.currency,
    metadata: options.metadata,
    items: listOf(`/v1/subscription_items?subscription=${id}`, [
      {
        id: newId("si"),
        object: "subscription_item",
        current_period_start: start,
        current_period_end: start + options.periodSeconds,
        quantity: 1,
        price: {
          id: newId("price"),
          object: "price",
          currency: options.price.currency,
          unit_amount: options.price.unit_amount,
          recurring: { interval: options.price.recurring?.interval ?? "month" },
          lookup_key: null,
          product: newId("prod"),
          metadata: options.price.metadata,
        },
      },
    ]),
    latest_invoice: null,
    default_payment_method: state.customer(options.customer).invoice_settings.default_payment_method,
    created: start,
    livemode: false,
  };
  state.subscriptions.set(id, subscription);
  state.emit("customer.subscription.created", subscription);
  const invoice = chargeInvoice(state, subscription, "subscription_create", true);
  return { subscription, invoice };
}

/** The next cycle, paid. */
export function renew(state: StripeState, subscriptionId: string): Invoice {
  const subscription = activeSubscription(state, subscriptionId);
  const previous = advancePeriod(subscription);
  const invoice = chargeInvoice(state, subscription, "subscription_cycle", true);
  const wasPastDue = subscription.status !== "active";
  subscription.status = "active";
  state.emit("customer.subscription.updated", subscription, {
    previous: { items: previous, ...(wasPastDue ? { status: "past_due" } : {}) },
  });
  return invoice;
}

/** The next cycle's payment fails: the invoice stays open and the subscription falls past due. */
export function failRenewal(state: StripeState, subscriptionId: string): Invoice {
  const subscription = activeSubscription(state, subscriptionId);
  const previous = advancePeriod(subscription);
  const invoice = chargeInvoice(state, subscription, "subscription_cycle", false);
  const before = subscription.status;
  subscription.status = "past_due";
  state.emit("customer.subscription.updated", subscription, { previous: { items: previous, status: before } });
  return invoice;
}

export function updateSubscription(state: StripeState, subscriptionId: string, form: FormObject): Subscription {
  const subscription = state.subscription(subscriptionId);
  const cancelAtPeriodEnd = formBoolean(form, "cancel_at_period_end");
  const changesPrice = Array.isArray(form.items) && form.items.length > 0;
  if (subscription.status === "canceled" && (cancelAtPeriodEnd !== undefined || changesPrice))
    throw new StripeSimError(400, "invalid_request_error", "A canceled subscription can only update its metadata.");
  if (changesPrice) return changeSubscriptionPrice(state, subscription, form);
  Object.assign(subscription.metadata, formStringMap(form, "metadata"));
  if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
    subscription.cancel_at_period_end = cancelAtPeriodEnd;
    subscription.cancel_at = cancelAtPeriodEnd ? (subscription.items.data[0]?.current_period_end ?? null) : null;
    state.emit("customer.subscription.updated", subscription, {
      previous: { cancel_at_period_end: !cancelAtPeriodEnd },
    });
  }
  return subscription;
}

export function cancelSubscription(state: StripeState, subscriptionId: string): Subscription {
  const subscription = state.subscription(subscriptionId);
  if (subscription.status === "canceled") return subscription;
  const at = nowSeconds();
  subscription.status = "canceled";
  subscription.canceled_at = at;
  subscription.ended_at = at;
  state.emit("customer.subscription.deleted", subscription);
  return subscription;
}

function activeSubscription(state: StripeState, subscriptionId: string): Subscription {
  const subscription = state.subscription(subscriptionId);
  if (subscription.status === "canceled")
    throw new StripeSimError(400, "invalid_request_error", "The subscription is canceled.");
  return subscription;
}

function advancePeriod(subscription: Subscription): unknown {
  const previous = structuredClone(subscription.items);
  for (const item of subscription.items.data) {
    const length = item.current_period_end - item.current_period_start;
    item.current_period_start = item.current_period_end;
    item.current_period_end += length;
  }
  return previous;
}
