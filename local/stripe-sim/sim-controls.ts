/**
 * Test controls (`/_sim/…`, JSON bodies), standing in for what happens at Stripe without an API call from us:
 * - `POST /_sim/outbox/take` `{ customer? }`: the signed deliveries waiting (see webhooks.ts), removed;
 * - `POST /_sim/events/<id>/resend`: the event delivered again, freshly signed (Stripe's redelivery);
 * - `POST /_sim/webhook-endpoint` `{ url }`: where to POST webhooks (null: the outbox);
 * - `POST /_sim/checkout/sessions/<id>/submit` `{ outcome: pay | decline | async }`: the hosted page's buttons;
 * - `POST /_sim/checkout/sessions/<id>/async` `{ outcome: succeed | fail }`: a delayed payment completes;
 * - `POST /_sim/customers/<id>/card` `{ outcome: succeed | decline }`: what the saved card does off-session;
 * - `POST /_sim/refunds` `{ charge | payment_intent, amount? }` (as from the Dashboard);
 * - `POST /_sim/charges/<id>/dispute` `{ amount? }`, `POST /_sim/disputes/<id>/close` `{ status: won | lost }`;
 * - `POST /_sim/subscriptions/<id>/renew` and `/fail-renewal`: the next cycle, paid or failed.
 */
import { completeAsync, submitCheckout, type PageOutcome } from "./checkout-flow.ts";
import type { FormObject } from "./form-body.ts";
import { closeDispute, createRefund, openDispute } from "./payments-flow.ts";
import { StripeSimError, type StripeState } from "./state.ts";
import { failRenewal, renew } from "./subscriptions-flow.ts";

type Control = (state: StripeState, params: string[], body: FormObject) => unknown;
const ID = "([A-Za-z0-9_]+)";
const control = (path: string, handler: Control): [string, RegExp, Control] => [
  "POST",
  new RegExp(`^/_sim${path.replaceAll(":id", ID)}$`),
  handler,
];

const field = (body: FormObject, key: string): unknown => (body as Record<string, unknown>)[key];

function oneOf<T extends string>(body: FormObject, key: string, allowed: readonly T[]): T {
  const value = field(body, key);
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new StripeSimError(400, "invalid_request_error", `${key} must be one of ${allowed.join(", ")}.`, {
    param: key,
  });
}

const optionalAmount = (body: FormObject): number | undefined => {
  const amount = field(body, "amount");
  return typeof amount === "number" ? amount : undefined;
};

export const SIM_CONTROL_ROUTES: Array<[string, RegExp, Control]> = [
  control("/outbox/take", (state, _params, body) => {
    const customer = field(body, "customer");
    return { deliveries: state.webhooks.take(typeof customer === "string" ? customer : null) };
  }),
  control("/events/:id/resend", (state, [id]) => ({ resent: state.webhooks.resend(id ?? "") })),
  control("/webhook-endpoint", (state, _params, body) => {
    const url = field(body, "url");
    state.webhooks.setEndpoint(typeof url === "string" ? url : null);
    return { url: url ?? null };
  }),
  control("/checkout/sessions/:id/submit", (state, [id], body) => {
    const outcome = oneOf<PageOutcome>(body, "outcome", ["pay", "decline", "async"]);
    return { redirect: submitCheckout(state, id ?? "", outcome), session: state.session(id ?? "") };
  }),
  control("/checkout/sessions/:id/async", (state, [id], body) =>
    completeAsync(state, id ?? "", oneOf(body, "outcome", ["succeed", "fail"])),
  ),
  control("/customers/:id/card", (state, [id], body) => {
    const customer = state.customer(id ?? "");
    state.cardOutcomes.set(customer.id, oneOf(body, "outcome", ["succeed", "decline"]));
    return { customer: customer.id };
  }),
  control("/refunds", (state, _params, body) => {
    const form: FormObject = {};
    for (const key of ["charge", "payment_intent"]) {
      const value = field(body, key);
      if (typeof value === "string") form[key] = value;
    }
    const amount = optionalAmount(body);
    if (amount !== undefined) form.amount = String(amount);
    return createRefund(state, form);
  }),
  control("/charges/:id/dispute", (state, [id], body) => openDispute(state, id ?? "", optionalAmount(body))),
  control("/disputes/:id/close", (state, [id], body) =>
    closeDispute(state, id ?? "", oneOf(body, "status", ["won", "lost"])),
  ),
  control("/subscriptions/:id/renew", (state, [id]) => renew(state, id ?? "")),
  control("/subscriptions/:id/fail-renewal", (state, [id]) => failRenewal(state, id ?? "")),
];
