/**
 * Subscription invoices (https://docs.stripe.com/api/invoices): an invoice's `total` is first set against the
 * customer's `balance` (a downgrade's credit, Stripe's `starting_balance`); what is left is charged to the default
 * card and recorded as an invoice payment (`GET /v1/invoice_payments?payment[payment_intent]=…`, how a charge finds
 * its invoice since the basil API: charges and intents no longer name it).
 */
import {
  listOf,
  newId,
  nowSeconds,
  type Invoice,
  type InvoiceLine,
  type InvoicePayment,
  type ListOf,
  type Subscription,
  type SubscriptionPrice,
} from "./objects.ts";
import type { FormObject } from "./form-body.ts";
import { formObject, formString } from "./form-body.ts";
import type { StripeState } from "./state.ts";

/** A line of an invoice to be: an amount of a price, prorated or a whole period. */
export interface LineInput {
  amount: number;
  price: SubscriptionPrice;
  proration: boolean;
}

/**
 * An invoice for the subscription, charged (`paid`) or left open. Its lines default to the item's price for the
 * period; the total is set against the customer's balance first (Stripe's `starting_balance`), and only the rest is
 * charged.
 */
export function chargeInvoice(
  state: StripeState,
  subscription: Subscription,
  reason: Invoice["billing_reason"],
  paid: boolean,
  lineInputs?: LineInput[],
): Invoice {
  const item = subscription.items.data[0];
  const inputs = lineInputs ?? (item ? [{ amount: item.price.unit_amount, price: item.price, proration: false }] : []);
  const invoiceTotal = inputs.reduce((sum, line) => sum + line.amount, 0);
  const invoiceId = newId("in");
  const period = { start: item?.current_period_start ?? nowSeconds(), end: item?.current_period_end ?? nowSeconds() };
  const lines = inputs.map((line): InvoiceLine => ({
    id: newId("il"),
    object: "line_item",
    amount: line.amount,
    currency: subscription.currency,
    description: line.proration ? "Proration" : null,
    invoice: invoiceId,
    quantity: 1,
    period,
    pricing: {
      type: "price_details",
      price_details: { price: line.price.id, product: line.price.product },
      unit_amount_decimal: String(line.price.unit_amount),
    },
    parent: {
      type: "subscription_item_details",
      subscription_item_details: {
        subscription: subscription.id,
        subscription_item: item?.id ?? "",
        proration: line.proration,
        invoice_item: null,
        proration_details: null,
      },
    },
  }));
  const customer = state.customer(subscription.customer);
  const combined = invoiceTotal + customer.balance;
  const amount = Math.max(0, combined);
  if (paid) customer.balance = Math.min(0, combined);
  const invoice: Invoice = {
    id: invoiceId,
    object: "invoice",
    customer: subscription.customer,
    status: paid ? "paid" : "open",
    billing_reason: reason,
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    total: invoiceTotal,
    lines: listOf(`/v1/invoices/${invoiceId}/lines`, lines),
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
  if (!paid) {
    state.emit("invoice.payment_failed", invoice);
    return invoice;
  }
  if (amount > 0) {
    const intent = state.newPaymentIntent({
      amount,
      currency: subscription.currency,
      customer: subscription.customer,
      metadata: {},
      paymentMethod: subscription.default_payment_method,
    });
    const charge = state.chargeIntent(intent);
    const paymentId = newId("inpay");
    state.invoicePayments.set(paymentId, {
      id: paymentId,
      object: "invoice_payment",
      amount_paid: amount,
      amount_requested: amount,
      currency: subscription.currency,
      invoice: invoice.id,
      is_default: true,
      payment: { type: "payment_intent", payment_intent: intent.id },
      status: "paid",
      status_transitions: { canceled_at: null, paid_at: nowSeconds() },
      created: nowSeconds(),
      livemode: false,
    });
    state.emit("charge.succeeded", charge);
  }
  state.emit("invoice.paid", invoice);
  state.emit("invoice.payment_succeeded", invoice);
  return invoice;
}

export function listInvoicePayments(state: StripeState, query: FormObject): ListOf<InvoicePayment> {
  const invoice = formString(query, "invoice");
  const intent = formString(formObject(query, "payment"), "payment_intent");
  const found = [...state.invoicePayments.values()].filter(
    (payment) => (!invoice || payment.invoice === invoice) && (!intent || payment.payment.payment_intent === intent),
  );
  return listOf("/v1/invoice_payments", found);
}
