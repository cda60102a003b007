/**
 * The simulator's in-memory account: every object by id, and `emit`, which builds a Stripe event around a snapshot
 * of an object and hands it to the webhook sender. Errors are `StripeSimError`s, rendered in Stripe's error shape
 * `{ "error": { "type", "code", "message", "param" } }` (https://docs.stripe.com/api/errors).
 */
import {
  SIM_API_VERSION,
  newId,
  nowSeconds,
  type Charge,
  type CheckoutSession,
  type Customer,
  type Dispute,
  type Invoice,
  type InvoicePayment,
  type PaymentIntent,
  type PaymentMethod,
  type PortalSession,
  type CardOutcome,
  type Price,
  type PriceData,
  type Refund,
  type StripeEvent,
  type Subscription,
} from "./objects.ts";
import type { WebhookSender } from "./webhooks.ts";

export class StripeSimError extends Error {
  constructor(
    readonly status: number,
    readonly type: "invalid_request_error" | "card_error" | "api_error" | "idempotency_error",
    message: string,
    readonly extra: { code?: string; param?: string; decline_code?: string; payment_intent?: unknown } = {},
  ) {
    super(message);
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { type: this.type, message: this.message, ...this.extra } };
  }
}

export const missing = (kind: string, id: string, param = "id"): StripeSimError =>
  new StripeSimError(404, "invalid_request_error", `No such ${kind}: '${id}'`, { code: "resource_missing", param });

export class StripeState {
  readonly customers = new Map<string, Customer>();
  readonly paymentMethods = new Map<string, PaymentMethod>();
  /** What an off-session payment with a customer's saved card does (default: succeed). */
  readonly cardOutcomes = new Map<string, CardOutcome>();
  readonly sessions = new Map<string, CheckoutSession>();
  /** A session's line item prices, as given with `price_data`. */
  readonly sessionPrices = new Map<string, PriceData[]>();
  /** `subscription_data.metadata` and `payment_intent_data` of a session, applied on payment. */
  readonly sessionExtras = new Map<
    string,
    { subscriptionMetadata: Record<string, string>; paymentMetadata: Record<string, string>; saveCard: boolean }
  >();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly disputes = new Map<string, Dispute>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly invoices = new Map<string, Invoice>();
  readonly invoicePayments = new Map<string, InvoicePayment>();
  readonly prices = new Map<string, Price>();
  readonly portalSessions = new Map<string, PortalSession>();

  constructor(
    readonly webhooks: WebhookSender,
    /** The simulator's own URL: hosted pages (`/pay/<session>`, `/portal/<session>`) live under it. */
    readonly baseUrl: () => string,
  ) {}

  /**
   * Emits `type` with a snapshot of `object` (later changes do not alter what was sent). `customer` names the account
   * for objects that carry none (a dispute).
   */
  emit(
    type: string,
    object: object,
    options: { previous?: Record<string, unknown>; customer?: string | null } = {},
  ): void {
    const previous = options.previous;
    const event: StripeEvent = {
      id: newId("evt"),
      object: "event",
      api_version: SIM_API_VERSION,
      created: nowSeconds(),
      type,
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
    const customer = "customer" in object && typeof object.customer === "string" ? object.customer : null;
    this.webhooks.send(event, options.customer ?? customer);
  }

  customer(id: string): Customer {
    const customer = this.customers.get(id);
    if (!customer) throw missing("customer", id, "customer");
    return customer;
  }

  session(id: string): CheckoutSession {
    const session = this.sessions.get(id);
    if (!session) throw missing("checkout.session", id);
    return session;
  }

  paymentIntent(id: string): PaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw missing("payment_intent", id, "payment_intent");
    return intent;
  }

  charge(id: string): Charge {
    const charge = this.charges.get(id);
    if (!charge) throw missing("charge", id, "charge");
    return charge;
  }

  subscription(id: string): Subscription {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw missing("subscription", id);
    return subscription;
  }

  invoice(id: string): Invoice {
    const invoice = this.invoices.get(id);
    if (!invoice) throw missing("invoice", id);
    return invoice;
  }

  price(id: string): Price {
    const price = this.prices.get(id);
    if (!price) throw missing("price", id, "price");
    return price;
  }

  dispute(id: string): Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw missing("dispute", id);
    return dispute;
  }

  /** A test card saved on the customer (Stripe test mode's `pm_card_visa`), made the default for invoices. */
  attachCard(customerId: string): PaymentMethod {
    const existing = [...this.paymentMethods.values()].find((method) => method.customer === customerId);
    if (existing) return existing;
    const method: PaymentMethod = {
      id: newId("pm"),
      object: "payment_method",
      type: "card",
      customer: customerId,
      created: nowSeconds(),
      card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2034 },
    };
    this.paymentMethods.set(method.id, method);
    const customer = this.customer(customerId);
    customer.invoice_settings.default_payment_method ??= method.id;
    return method;
  }

  /** A succeeded charge for the intent; the intent is marked succeeded. */
  chargeIntent(intent: PaymentIntent): Charge {
    const charge: Charge = {
      id: newId("ch"),
      object: "charge",
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      refunded: false,
      disputed: false,
      currency: intent.currency,
      customer: intent.customer,
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      paid: true,
      status: "succeeded",
      metadata: {},
      created: nowSeconds(),
      livemode: false,
    };
    this.charges.set(charge.id, charge);
    intent.status = "succeeded";
    intent.amount_received = intent.amount;
    intent.latest_charge = charge.id;
    intent.last_payment_error = null;
    return charge;
  }

  newPaymentIntent(fields: {
    amount: number;
    currency: string;
    customer: string | null;
    metadata: Record<string, string>;
    paymentMethod: string | null;
  }): PaymentIntent {
    const intent: PaymentIntent = {
      id: newId("pi"),
      object: "payment_intent",
      amount: fields.amount,
      amount_received: 0,
      currency: fields.currency,
      customer: fields.customer,
      metadata: fields.metadata,
      status: "requires_confirmation",
      payment_method: fields.paymentMethod,
      latest_charge: null,
      last_payment_error: null,
      setup_future_usage: null,
      created: nowSeconds(),
      livemode: false,
    };
    this.paymentIntents.set(intent.id, intent);
    return intent;
  }
}
