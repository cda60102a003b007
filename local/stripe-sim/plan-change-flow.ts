/**
 * Prices and plan changes (https://docs.stripe.com/billing/subscriptions/change-price,
 * https://docs.stripe.com/billing/subscriptions/prorations):
 * - `POST /v1/prices` (with `product_data` or `product`, `lookup_key`, `metadata`) and `GET /v1/prices` by
 *   `lookup_keys[]`; a lookup key is unique unless `transfer_lookup_key` moves it, as at Stripe.
 * - `POST /v1/subscriptions/<id>` with `items[0][id]` and `items[0][price]`: the item's price changes and its period
 *   stays. `proration_behavior`: `always_invoice` invoices the proration now (`billing_reason: subscription_update`),
 *   `none` changes the price from the next cycle; `create_prorations` (pending invoice items) is not simulated.
 *   `payment_behavior: error_if_incomplete`: a declined card is a 402 and nothing changes.
 * Proration, simplified from Stripe's (per second, one line per price, each rounded to the cent; no tax, discounts or
 * quantity): a line `+round(new × left ÷ period)` and a line `−round(old × left ÷ period)`, where `left` is the time
 * from now to the period's end. A negative total (a downgrade) is credited to the customer's balance and used by the
 * next invoices.
 * Events: `customer.subscription.updated` (previous `items` and `metadata`), then the invoice's (`invoice.paid`).
 */
import { formBoolean, formObject, formString, formStringMap, type FormObject } from "./form-body.ts";
import { listOf, newId, nowSeconds, type ListOf, type Price, type Subscription } from "./objects.ts";
import { StripeSimError, type StripeState } from "./state.ts";
import { chargeInvoice } from "./invoices-flow.ts";

export function createPrice(state: StripeState, form: FormObject): Price {
  const unitAmount = Number(formString(form, "unit_amount") ?? "NaN");
  const currency = formString(form, "currency");
  if (!Number.isSafeInteger(unitAmount) || unitAmount < 0 || !currency)
    throw new StripeSimError(400, "invalid_request_error", "unit_amount and currency are required.", {
      param: Number.isSafeInteger(unitAmount) ? "currency" : "unit_amount",
    });
  const lookupKey = formString(form, "lookup_key") ?? null;
  const holder = lookupKey ? findByLookupKey(state, lookupKey) : undefined;
  if (holder) {
    if (formBoolean(form, "transfer_lookup_key") !== true)
      throw new StripeSimError(400, "invalid_request_error", `A price with lookup key ${lookupKey} already exists.`, {
        param: "lookup_key",
      });
    holder.lookup_key = null;
  }
  const interval = formString(formObject(form, "recurring"), "interval");
  const productName = formString(formObject(form, "product_data"), "name");
  const product = formString(form, "product") ?? (productName ? newId("prod") : undefined);
  if (!product)
    throw new StripeSimError(400, "invalid_request_error", "product or product_data is required.", {
      param: "product",
    });
  const price: Price = {
    id: newId("price"),
    object: "price",
    active: true,
    currency,
    unit_amount: unitAmount,
    recurring: interval ? { interval } : null,
    lookup_key: lookupKey,
    metadata: formStringMap(form, "metadata"),
    nickname: formString(form, "nickname") ?? null,
    product,
    type: interval ? "recurring" : "one_time",
    created: nowSeconds(),
    livemode: false,
  };
  state.prices.set(price.id, price);
  return price;
}

export function listPrices(state: StripeState, query: FormObject): ListOf<Price> {
  const keys = Array.isArray(query.lookup_keys) ? query.lookup_keys.filter((key) => typeof key === "string") : [];
  const prices = [...state.prices.values()].filter(
    (price) => price.active && (keys.length === 0 || (price.lookup_key !== null && keys.includes(price.lookup_key))),
  );
  return listOf("/v1/prices", prices.reverse());
}

function findByLookupKey(state: StripeState, lookupKey: string): Price | undefined {
  return [...state.prices.values()].find((price) => price.lookup_key === lookupKey);
}

/** The item's new price, prorated as the request asks (see the header). */
export function changeSubscriptionPrice(
  state: StripeState,
  subscription: Subscription,
  form: FormObject,
): Subscription {
  const items = form.items as FormObject[];
  const itemForm = items[0] ?? {};
  const item = subscription.items.data.find((candidate) => candidate.id === formString(itemForm, "id"));
  if (items.length !== 1 || !item)
    throw new StripeSimError(400, "invalid_request_error", "Name the subscription's one item in items[0][id].", {
      param: "items[0][id]",
    });
  const price = state.price(formString(itemForm, "price") ?? "");
  if (!price.recurring || price.currency !== subscription.currency)
    throw new StripeSimError(400, "invalid_request_error", "The new price must be recurring, in the same currency.", {
      param: "items[0][price]",
    });
  const behavior = formString(form, "proration_behavior") ?? "create_prorations";
  if (behavior !== "always_invoice" && behavior !== "none")
    throw new StripeSimError(400, "invalid_request_error", "The simulator prorates with always_invoice or none.", {
      param: "proration_behavior",
    });
  const now = nowSeconds();
  const period = item.current_period_end - item.current_period_start;
  const left = Math.min(Math.max(item.current_period_end - now, 0), period);
  const prorate = (amount: number) => (period > 0 ? Math.round((amount * left) / period) : 0);
  const charged = behavior === "always_invoice" ? prorate(price.unit_amount) : 0;
  const credited = behavior === "always_invoice" ? prorate(item.price.unit_amount) : 0;
  const due = charged - credited + state.customer(subscription.customer).balance;
  const declined = state.cardOutcomes.get(subscription.customer) === "decline";
  if (due > 0 && declined && formString(form, "payment_behavior") === "error_if_incomplete")
    throw new StripeSimError(402, "card_error", "Your card was declined.", {
      code: "card_declined",
      decline_code: "generic_decline",
    });
  const previous = { items: structuredClone(subscription.items), metadata: { ...subscription.metadata } };
  const oldPrice = item.price;
  Object.assign(subscription.metadata, formStringMap(form, "metadata"));
  item.price = {
    id: price.id,
    object: "price",
    currency: price.currency,
    unit_amount: price.unit_amount,
    recurring: price.recurring,
    lookup_key: price.lookup_key,
    metadata: { ...price.metadata },
    product: price.product,
  };
  state.emit("customer.subscription.updated", subscription, { previous });
  if (behavior === "always_invoice")
    chargeInvoice(state, subscription, "subscription_update", true, [
      { amount: -credited, price: oldPrice, proration: true },
      { amount: charged, price: item.price, proration: true },
    ]);
  return subscription;
}
