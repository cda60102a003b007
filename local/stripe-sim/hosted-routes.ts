/** Serves the hosted pages (hosted-pages.ts): `GET` shows one, a form `POST` acts and redirects or shows it again. */
import type { ServerResponse } from "node:http";
import { submitCheckout, type PageOutcome } from "./checkout-flow.ts";
import { checkoutPage, portalPage, portalPlanPrices } from "./hosted-pages.ts";
import { StripeSimError, type StripeState } from "./state.ts";
import { updateSubscription } from "./subscriptions-flow.ts";

const OUTCOMES: readonly PageOutcome[] = ["pay", "decline", "async"];

export function handleHostedPage(
  state: StripeState,
  method: string,
  url: URL,
  body: string,
  response: ServerResponse,
): void {
  const [, kind, id = ""] = url.pathname.split("/");
  const form = new URLSearchParams(body);
  if (kind === "pay") {
    const session = state.session(id);
    if (method === "POST") {
      const outcome = form.get("outcome") as PageOutcome;
      if (!OUTCOMES.includes(outcome)) throw new StripeSimError(400, "invalid_request_error", "Unknown outcome.");
      const next = submitCheckout(state, id, outcome);
      if (next) return redirect(response, next);
      const notice = outcome === "decline" ? "Your card was declined. Try another card." : undefined;
      return html(response, checkoutPage(state, session, notice));
    }
    return html(response, checkoutPage(state, session));
  }
  const portal = state.portalSessions.get(id);
  if (kind !== "portal" || !portal) throw new StripeSimError(404, "invalid_request_error", "No such page.");
  if (method === "POST") {
    const [switching, price] = (form.get("switch") ?? "").split(":");
    if (switching && price && state.subscription(switching).customer === portal.customer) {
      const subscription = state.subscription(switching);
      if (portalPlanPrices(state, subscription).some((offered) => offered.id === price))
        updateSubscription(state, switching, {
          items: [{ id: subscription.items.data[0]?.id ?? "", price }],
          proration_behavior: "always_invoice",
        });
      return redirect(response, `/portal/${portal.id}`);
    }
    const cancel = form.get("cancel");
    const resume = form.get("resume");
    const target = cancel ?? resume;
    if (target && state.subscription(target).customer === portal.customer) {
      const change = { cancel_at_period_end: cancel ? "true" : "false" };
      updateSubscription(state, target, change);
    }
    return redirect(response, `/portal/${portal.id}`);
  }
  return html(response, portalPage(state, portal));
}

function html(response: ServerResponse, text: string): void {
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  response.end(text);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location });
  response.end();
}
