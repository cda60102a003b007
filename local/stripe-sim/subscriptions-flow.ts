/**
 * Subscriptions and their invoices (https://docs.stripe.com/billing/subscriptions/webhooks), one monthly item each:
 * - opened by a paid subscription-mode Checkout: `customer.subscription.created`, `invoice.paid`
 *   (`billing_reason: subscription_create`);
 * - `renew` (the test clock's next cycle): the item's period moves on a month, `invoice.paid` with
 *   `subscription_cycle`, `customer.subscription.updated`;
 * - `failRenewal`: a `subscription_cycle` invoice stays open, `invoice.payment_failed`, the subscription goes
 *   `past_due` (`customer.subscription.updated`);
 * - `update` (`cancel_at_period_end`) and `cancel` (`customer.subscription.deleted`).
 */
import { formBoolean, type FormObject } from "./form-body.ts";
import { listOf, newId, nowSeconds, type Invoice, type PriceData, type Subscription } from "./objects.ts";
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
  if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
    if (subscription.status === "canceled")
      throw new StripeSimError(400, "invalid_request_error", "A canceled subscription can only update its metadata.");
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

function chargeInvoice(
  state: StripeState,
  subscription: Subscription,
  reason: Invoice["billing_reason"],
  paid: boolean,
): Invoice {
  const item = subscription.items.data[0];
  const amount = item?.price.unit_amount ?? 0;
  const invoice: Invoice = {
    id: newId("in"),
    object: "invoice",
    customer: subscription.customer,
    status: paid ? "paid" : "open",
    billing_reason: reason,
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    attempt_count: 1,
    attempted: true,
    currency: subscription.currency,
    period_start: item?.current_period_start ?? nowSeconds(),
    period_end: item?.current_period_end ?? nowSeconds(),
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { subscription: subscription.id, metadata: { ...subscription.metadata } },
    },
    metadata: {},
    created: nowSeconds(),
    livemode: false,
  };
  state.invoices.set(invoice.id, invoice);
  subscription.latest_invoice = invoice.id;
  if (paid) {
    const intent = state.newPaymentIntent({
      amount,
      currency: subscription.currency,
      customer: subscription.customer,
      metadata: {},
      paymentMethod: subscription.default_payment_method,
    });
    state.emit("charge.succeeded", state.chargeIntent(intent));
    state.emit("invoice.paid", invoice);
    state.emit("invoice.payment_succeeded", invoice);
  } else {
    state.emit("invoice.payment_failed", invoice);
  }
  return invoice;
}
