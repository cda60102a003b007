/**
 * Checkout Sessions (https://docs.stripe.com/api/checkout/sessions): created with inline `price_data` line items, paid
 * on the hosted page `/pay/<session>`. Outcomes:
 * - `pay`: payment mode charges at once (`payment_intent.succeeded`, `charge.succeeded`, then
 *   `checkout.session.completed` with `payment_status: paid`); subscription mode opens the subscription and its
 *   first invoice (subscriptions-flow.ts) before `checkout.session.completed`.
 * - `async` (a delayed, "3-D Secure-style" method): `checkout.session.completed` with `payment_status: unpaid` and a
 *   `processing` intent; `completeAsync` later sends `checkout.session.async_payment_succeeded` or `_failed`.
 * - `decline`: the card is refused on the page; the session stays open and nothing is sent (as on Stripe).
 */
import { formBoolean, formInteger, formObject, formString, formStringMap, type FormObject } from "./form-body.ts";
import { MONTH_SECONDS, newId, nowSeconds, type CheckoutSession, type PriceData } from "./objects.ts";
import { StripeSimError, type StripeState } from "./state.ts";
import { startSubscription } from "./subscriptions-flow.ts";

export function createCheckoutSession(state: StripeState, form: FormObject): CheckoutSession {
  const mode = formString(form, "mode");
  if (mode !== "payment" && mode !== "subscription")
    throw new StripeSimError(400, "invalid_request_error", "Missing required param: mode.", { param: "mode" });
  const items = Array.isArray(form.line_items) ? form.line_items : [];
  if (items.length === 0)
    throw new StripeSimError(400, "invalid_request_error", "Missing required param: line_items.", {
      param: "line_items",
    });
  const prices = items.map((item, index) => readPriceData(item as FormObject, index, mode));
  const customer = formString(form, "customer") ?? null;
  if (customer) state.customer(customer);
  const currency = prices[0]?.currency ?? "usd";
  const amount = prices.reduce((sum, price) => sum + price.unit_amount, 0);
  const id = newId("cs_test");
  const session: CheckoutSession = {
    id,
    object: "checkout.session",
    mode,
    status: "open",
    payment_status: "unpaid",
    url: `${state.baseUrl()}/pay/${id}`,
    customer,
    customer_email: formString(form, "customer_email") ?? null,
    client_reference_id: formString(form, "client_reference_id") ?? null,
    metadata: formStringMap(form, "metadata"),
    amount_subtotal: amount,
    amount_total: amount,
    currency,
    payment_intent: null,
    subscription: null,
    invoice: null,
    success_url: formString(form, "success_url") ?? null,
    cancel_url: formString(form, "cancel_url") ?? null,
    created: nowSeconds(),
    expires_at: nowSeconds() + 24 * 60 * 60,
    livemode: false,
  };
  const paymentData = formObject(form, "payment_intent_data");
  state.sessions.set(id, session);
  state.sessionPrices.set(id, prices);
  state.sessionExtras.set(id, {
    subscriptionMetadata: formStringMap(formObject(form, "subscription_data"), "metadata"),
    paymentMetadata: formStringMap(paymentData, "metadata"),
    saveCard: mode === "subscription" || formString(paymentData, "setup_future_usage") === "off_session",
  });
  return session;
}

function readPriceData(item: FormObject, index: number, mode: string): PriceData {
  const data = formObject(item, "price_data");
  const param = `line_items[${index}][price_data]`;
  const unitAmount = formInteger(data, "unit_amount");
  const currency = formString(data, "currency");
  if (unitAmount === undefined || unitAmount < 0 || !currency)
    throw new StripeSimError(400, "invalid_request_error", "The simulator takes line items with price_data only.", {
      param,
    });
  const recurring = formObject(data, "recurring");
  const interval = formString(recurring, "interval");
  if (mode === "subscription" && !interval)
    throw new StripeSimError(400, "invalid_request_error", "Subscription mode needs recurring prices.", { param });
  if ((formInteger(item, "quantity") ?? 1) !== 1)
    throw new StripeSimError(400, "invalid_request_error", "The simulator sells a quantity of 1.", { param });
  const product = formObject(data, "product_data");
  return {
    currency,
    unit_amount: unitAmount,
    product_name: formString(product, "name") ?? "item",
    recurring: interval ? { interval } : null,
    metadata: formStringMap(product, "metadata"),
  };
}

export type PageOutcome = "pay" | "decline" | "async";

/** The hosted page's buttons. Returns where the browser goes next (null: stay on the page). */
export function submitCheckout(state: StripeState, sessionId: string, outcome: PageOutcome): string | null {
  const session = state.session(sessionId);
  if (session.status !== "open")
    throw new StripeSimError(400, "invalid_request_error", "This Checkout Session is no longer open.");
  if (outcome === "decline") return null;
  const extras = state.sessionExtras.get(sessionId);
  const prices = state.sessionPrices.get(sessionId) ?? [];
  session.customer ??= createGuestCustomer(state, session);
  if (extras?.saveCard) state.attachCard(session.customer);
  session.status = "complete";
  if (session.mode === "subscription") {
    const price = prices[0];
    if (!price) throw new StripeSimError(400, "invalid_request_error", "The session has no price.");
    const opened = startSubscription(state, {
      customer: session.customer,
      price,
      metadata: extras?.subscriptionMetadata ?? {},
      periodSeconds: MONTH_SECONDS,
    });
    session.subscription = opened.subscription.id;
    session.invoice = opened.invoice.id;
    session.payment_status = "paid";
    state.emit("checkout.session.completed", session);
    return session.success_url?.replace("{CHECKOUT_SESSION_ID}", session.id) ?? null;
  }
  const intent = state.newPaymentIntent({
    amount: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    metadata: extras?.paymentMetadata ?? {},
    paymentMethod: state.attachCard(session.customer).id,
  });
  session.payment_intent = intent.id;
  if (outcome === "async") {
    intent.status = "processing";
    state.emit("payment_intent.processing", intent);
  } else {
    const charge = state.chargeIntent(intent);
    session.payment_status = "paid";
    state.emit("payment_intent.succeeded", intent);
    state.emit("charge.succeeded", charge);
  }
  state.emit("checkout.session.completed", session);
  return session.success_url?.replace("{CHECKOUT_SESSION_ID}", session.id) ?? null;
}

/**
 * Expires an open session (https://docs.stripe.com/api/checkout/sessions/expire): `now` as the API call does (an
 * error if it is not open), `if-due` as Stripe does by itself once `expires_at` has passed (on reading it here).
 * Sends `checkout.session.expired`.
 */
export function expireCheckoutSession(state: StripeState, sessionId: string, when: "now" | "if-due"): CheckoutSession {
  const session = state.session(sessionId);
  if (when === "if-due" && (session.status !== "open" || session.expires_at > nowSeconds())) return session;
  if (session.status !== "open")
    throw new StripeSimError(400, "invalid_request_error", "Only open Checkout Sessions can be expired.");
  session.status = "expired";
  state.emit("checkout.session.expired", session);
  return session;
}

/** Ends a delayed payment: `succeed` charges it, `fail` refuses it. */
export function completeAsync(state: StripeState, sessionId: string, outcome: "succeed" | "fail"): CheckoutSession {
  const session = state.session(sessionId);
  const intent = session.payment_intent ? state.paymentIntent(session.payment_intent) : undefined;
  if (!intent || intent.status !== "processing")
    throw new StripeSimError(400, "invalid_request_error", "This session has no payment in processing.");
  if (outcome === "succeed") {
    const charge = state.chargeIntent(intent);
    session.payment_status = "paid";
    state.emit("payment_intent.succeeded", intent);
    state.emit("charge.succeeded", charge);
    state.emit("checkout.session.async_payment_succeeded", session);
  } else {
    intent.status = "requires_payment_method";
    intent.last_payment_error = declineError();
    state.emit("payment_intent.payment_failed", intent);
    state.emit("checkout.session.async_payment_failed", session);
  }
  return session;
}

export const declineError = () => ({
  type: "card_error" as const,
  code: "card_declined",
  decline_code: "generic_decline",
  message: "Your card was declined.",
});

function createGuestCustomer(state: StripeState, session: CheckoutSession): string {
  const id = newId("cus");
  state.customers.set(id, {
    id,
    object: "customer",
    created: nowSeconds(),
    email: session.customer_email,
    name: null,
    metadata: {},
    livemode: false,
    invoice_settings: { default_payment_method: null },
    balance: 0,
  });
  return id;
}

export const isTrue = (form: FormObject, key: string): boolean => formBoolean(form, key) === true;
