/**
 * The Stripe objects the simulator keeps, in the shapes of API version `2026-11-18.endive` (the stripe-node 23.x
 * types): only the fields omnizen or a reader of the webhook needs, with Stripe's names and nulls. Basil-era facts:
 * an invoice names its subscription in `parent.subscription_details.subscription`, and the billing period is on the
 * subscription's items (`items.data[].current_period_end`), not on the subscription.
 */
import { randomBytes } from "node:crypto";

export const SIM_API_VERSION = "2026-11-18.endive";

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Stripe-like ids: a prefix and 24 letters or digits. */
export const newId = (prefix: string): string =>
  `${prefix}_${[...randomBytes(24)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join("")}`;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const MONTH_SECONDS = 30 * 24 * 60 * 60;

export interface ListOf<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export const listOf = <T>(url: string, data: T[]): ListOf<T> => ({ object: "list", data, has_more: false, url });

export interface Customer {
  id: string;
  object: "customer";
  created: number;
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  livemode: false;
  invoice_settings: { default_payment_method: string | null };
  /** Negative: credit the next invoices use first (a downgrade's unused time). */
  balance: number;
}

/** `decline`: off-session payments with the saved card fail with `card_declined`. */
export type CardOutcome = "succeed" | "decline";

export interface PaymentMethod {
  id: string;
  object: "payment_method";
  type: "card";
  customer: string | null;
  created: number;
  /** Test data only, as Stripe's test cards: a brand and the last four digits, never a number. */
  card: { brand: "visa"; last4: string; exp_month: number; exp_year: number };
}

export interface PriceData {
  currency: string;
  unit_amount: number;
  product_name: string;
  recurring: { interval: string } | null;
  metadata: Record<string, string>;
}

export interface CheckoutSession {
  id: string;
  object: "checkout.session";
  mode: "payment" | "subscription";
  status: "open" | "complete" | "expired";
  payment_status: "paid" | "unpaid" | "no_payment_required";
  url: string | null;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  payment_intent: string | null;
  subscription: string | null;
  invoice: string | null;
  success_url: string | null;
  cancel_url: string | null;
  created: number;
  expires_at: number;
  livemode: false;
}

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  metadata: Record<string, string>;
  status: "requires_payment_method" | "requires_confirmation" | "processing" | "succeeded" | "canceled";
  payment_method: string | null;
  latest_charge: string | null;
  last_payment_error: { type: "card_error"; code: string; decline_code: string; message: string } | null;
  setup_future_usage: string | null;
  created: number;
  livemode: false;
}

export interface Charge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  refunded: boolean;
  disputed: boolean;
  currency: string;
  customer: string | null;
  payment_intent: string;
  payment_method: string | null;
  paid: boolean;
  status: "succeeded" | "failed" | "pending";
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  payment_intent: string;
  currency: string;
  status: "succeeded";
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface Dispute {
  id: string;
  object: "dispute";
  amount: number;
  charge: string;
  payment_intent: string;
  currency: string;
  reason: string;
  status: "needs_response" | "under_review" | "won" | "lost";
  created: number;
  livemode: false;
}

export interface SubscriptionItem {
  id: string;
  object: "subscription_item";
  current_period_start: number;
  current_period_end: number;
  quantity: number;
  price: SubscriptionPrice;
}

/** A subscription item's price: inline (`price_data` at checkout) or a stored Price (`price`). */
export interface SubscriptionPrice {
  id: string;
  object: "price";
  currency: string;
  unit_amount: number;
  recurring: { interval: string };
  lookup_key: string | null;
  metadata: Record<string, string>;
  product: string;
}

/** A Price created with `POST /v1/prices` (recurring or one-time), findable by its `lookup_key`. */
export interface Price {
  id: string;
  object: "price";
  active: boolean;
  currency: string;
  unit_amount: number;
  recurring: { interval: string } | null;
  lookup_key: string | null;
  metadata: Record<string, string>;
  nickname: string | null;
  product: string;
  type: "one_time" | "recurring";
  created: number;
  livemode: false;
}

/** How an invoice was paid (basil-era: charges and intents no longer name their invoice). */
export interface InvoicePayment {
  id: string;
  object: "invoice_payment";
  amount_paid: number;
  amount_requested: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  payment: { type: "payment_intent"; payment_intent: string };
  status: "paid";
  status_transitions: { canceled_at: null; paid_at: number };
  created: number;
  livemode: false;
}

export interface Subscription {
  id: string;
  object: "subscription";
  customer: string;
  status: "incomplete" | "active" | "past_due" | "unpaid" | "canceled";
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  currency: string;
  metadata: Record<string, string>;
  items: ListOf<SubscriptionItem>;
  latest_invoice: string | null;
  default_payment_method: string | null;
  created: number;
  livemode: false;
}

export interface Invoice {
  id: string;
  object: "invoice";
  customer: string;
  status: "draft" | "open" | "paid" | "void" | "uncollectible";
  billing_reason: "subscription_create" | "subscription_cycle" | "subscription_update" | "manual";
  amount_due: number;
  amount_paid: number;
  /** Before the customer's balance: negative for a downgrade's proration (the unused time, credited). */
  total: number;
  lines: ListOf<InvoiceLine>;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  currency: string;
  period_start: number;
  period_end: number;
  parent: {
    type: "subscription_details";
    quote_details: null;
    subscription_details: { subscription: string; metadata: Record<string, string> };
  };
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

/** One invoice line: a period of a price, or a proration of one (Stripe's basil-era `pricing` and `parent`). */
export interface InvoiceLine {
  id: string;
  object: "line_item";
  amount: number;
  currency: string;
  description: string | null;
  invoice: string;
  quantity: number;
  period: { start: number; end: number };
  pricing: { type: "price_details"; price_details: { price: string; product: string }; unit_amount_decimal: string };
  parent: {
    type: "subscription_item_details";
    subscription_item_details: {
      subscription: string;
      subscription_item: string;
      proration: boolean;
      invoice_item: null;
      proration_details: null;
    };
  };
}

export interface PortalSession {
  id: string;
  object: "billing_portal.session";
  customer: string;
  return_url: string | null;
  url: string;
  created: number;
  livemode: false;
}

export interface StripeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  type: string;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}
