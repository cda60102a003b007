/**
 * The hosted pages a browser is sent to: Checkout (`/pay/<session>`: pay, decline, or a delayed "3-D Secure-style"
 * payment that completes later through `/_sim/checkout/sessions/<id>/async`) and the Customer Portal
 * (`/portal/<session>`: cancel at period end, resume, switch to another plan's Price, back to the return URL). Plain
 * HTML forms, no scripts. The portal offers the active recurring Prices that carry `metadata.plan` (the ones the
 * gateway creates for plan changes), prorated and invoiced at once, as a portal configured that way does.
 */
import type { CheckoutSession, PortalSession, Subscription } from "./objects.ts";
import type { StripeState } from "./state.ts";

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem">
<p><strong>Stripe simulator</strong> (test mode)</p>${body}</body></html>`;

const button = (action: string, name: string, value: string, label: string, testId: string): string =>
  `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="${name}" value="${value}">` +
  `<button type="submit" data-testid="${testId}">${escapeHtml(label)}</button></form>`;

export function checkoutPage(state: StripeState, session: CheckoutSession, notice?: string): string {
  const prices = state.sessionPrices.get(session.id) ?? [];
  const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
  const what = prices.map((price) => escapeHtml(price.product_name)).join(", ");
  const cycle = session.mode === "subscription" ? " per month" : "";
  if (session.status !== "open") {
    return page("Checkout", `<h1>${what}</h1><p data-testid="stripe-sim-done">This checkout is complete.</p>`);
  }
  const action = `/pay/${session.id}`;
  const body =
    `<h1>${what}</h1><p>Pay <strong data-testid="stripe-sim-amount">${amount}</strong>${cycle}</p>` +
    (notice ? `<p role="alert" data-testid="stripe-sim-notice">${escapeHtml(notice)}</p>` : "") +
    button(action, "outcome", "pay", "Pay with test card 4242", "stripe-sim-pay") +
    button(action, "outcome", "decline", "Pay with a card that is declined", "stripe-sim-decline") +
    (session.mode === "payment"
      ? button(action, "outcome", "async", "Pay with 3-D Secure (completes later)", "stripe-sim-async")
      : "") +
    (session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Back</a></p>` : "");
  return page("Checkout", body);
}

export function portalPage(state: StripeState, portal: PortalSession): string {
  const customerId = portal.customer;
  const rows = [...state.subscriptions.values()]
    .filter((subscription) => subscription.customer === customerId && subscription.status !== "canceled")
    .map((subscription) => {
      const action = `/portal/${portal.id}`;
      const next = subscription.cancel_at_period_end ? "resume" : "cancel";
      const label = subscription.cancel_at_period_end ? "Resume subscription" : "Cancel at period end";
      return (
        `<li>${escapeHtml(subscription.id)}: ${subscription.status}` +
        `${subscription.cancel_at_period_end ? " (ends at period end)" : ""}` +
        button(action, next, subscription.id, label, `stripe-sim-portal-${next}`) +
        switchButtons(state, action, subscription) +
        `</li>`
      );
    })
    .join("");
  const back = portal.return_url
    ? `<p><a href="${escapeHtml(portal.return_url)}" data-testid="stripe-sim-return">Return</a></p>`
    : "";
  return page("Customer portal", `<h1>Your subscriptions</h1><ul>${rows || "<li>None</li>"}</ul>${back}`);
}

/** The plans a subscription can switch to: other active recurring Prices in its currency that name a plan. */
export function portalPlanPrices(state: StripeState, subscription: Subscription) {
  const current = subscription.items.data[0]?.price.id;
  return [...state.prices.values()].filter(
    (price) =>
      price.active &&
      price.recurring &&
      price.metadata.plan &&
      price.id !== current &&
      price.currency === subscription.currency,
  );
}

function switchButtons(state: StripeState, action: string, subscription: Subscription): string {
  return portalPlanPrices(state, subscription)
    .map((price) => {
      const label = `Switch to ${price.metadata.plan ?? ""} (${(price.unit_amount / 100).toFixed(2)} ${price.currency.toUpperCase()} a month)`;
      return button(action, "switch", `${subscription.id}:${price.id}`, label, "stripe-sim-portal-switch");
    })
    .join("");
}
