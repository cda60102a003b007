/**
 * The `/v1` endpoints omnizen calls, each `[method, path pattern, handler]`; handlers take the decoded form (or query)
 * and answer the object as Stripe does.
 */
import { createCheckoutSession, expireCheckoutSession } from "./checkout-flow.ts";
import { formString, formStringMap, type FormObject } from "./form-body.ts";
import { listOf, newId, nowSeconds, type Customer, type PortalSession } from "./objects.ts";
import { listInvoicePayments } from "./invoices-flow.ts";
import { createPrice, listPrices } from "./plan-change-flow.ts";
import { closeDispute, createPaymentIntent, createRefund } from "./payments-flow.ts";
import { StripeSimError, type StripeState } from "./state.ts";
import { cancelSubscription, updateSubscription } from "./subscriptions-flow.ts";

export type RouteHandler = (state: StripeState, params: string[], form: FormObject) => unknown;
export type Route = [method: string, pattern: RegExp, handler: RouteHandler];

const ID = "([A-Za-z0-9_]+)";
const route = (method: string, path: string, handler: RouteHandler): Route => [
  method,
  new RegExp(`^${path.replaceAll(":id", ID)}$`),
  handler,
];

export const API_ROUTES: Route[] = [
  route("POST", "/v1/customers", (state, _params, form) => {
    const customer: Customer = {
      id: newId("cus"),
      object: "customer",
      created: nowSeconds(),
      email: formString(form, "email") ?? null,
      name: formString(form, "name") ?? null,
      metadata: formStringMap(form, "metadata"),
      livemode: false,
      invoice_settings: { default_payment_method: null },
      balance: 0,
    };
    state.customers.set(customer.id, customer);
    return customer;
  }),
  route("GET", "/v1/customers/:id", (state, [id]) => state.customer(id ?? "")),
  route("POST", "/v1/customers/:id", (state, [id], form) => {
    const customer = state.customer(id ?? "");
    Object.assign(customer.metadata, formStringMap(form, "metadata"));
    customer.email = formString(form, "email") ?? customer.email;
    return customer;
  }),
  route("DELETE", "/v1/customers/:id", (state, [id]) => {
    const customer = state.customer(id ?? "");
    for (const subscription of state.subscriptions.values())
      if (subscription.customer === customer.id) cancelSubscription(state, subscription.id);
    state.customers.delete(customer.id);
    return { id: customer.id, object: "customer", deleted: true };
  }),
  route("GET", "/v1/customers/:id/payment_methods", (state, [id]) => {
    const customer = state.customer(id ?? "");
    const methods = [...state.paymentMethods.values()].filter((method) => method.customer === customer.id);
    return listOf(`/v1/customers/${customer.id}/payment_methods`, methods);
  }),
  route("POST", "/v1/checkout/sessions", (state, _params, form) => createCheckoutSession(state, form)),
  route("GET", "/v1/checkout/sessions/:id", (state, [id]) => expireCheckoutSession(state, id ?? "", "if-due")),
  route("POST", "/v1/checkout/sessions/:id/expire", (state, [id]) => expireCheckoutSession(state, id ?? "", "now")),
  route("POST", "/v1/prices", (state, _params, form) => createPrice(state, form)),
  route("GET", "/v1/prices", (state, _params, query) => listPrices(state, query)),
  route("GET", "/v1/prices/:id", (state, [id]) => state.price(id ?? "")),
  route("POST", "/v1/payment_intents", (state, _params, form) => createPaymentIntent(state, form)),
  route("GET", "/v1/payment_intents/:id", (state, [id]) => state.paymentIntent(id ?? "")),
  route("GET", "/v1/charges/:id", (state, [id]) => state.charge(id ?? "")),
  route("POST", "/v1/refunds", (state, _params, form) => createRefund(state, form)),
  route("GET", "/v1/refunds", (state, _params, query) => {
    const charge = formString(query, "charge");
    const refunds = [...state.refunds.values()].filter((refund) => !charge || refund.charge === charge);
    return listOf(
      "/v1/refunds",
      refunds.sort((a, b) => b.created - a.created),
    );
  }),
  route("GET", "/v1/disputes/:id", (state, [id]) => state.dispute(id ?? "")),
  route("POST", "/v1/disputes/:id/close", (state, [id]) => closeDispute(state, id ?? "", "lost")),
  route("GET", "/v1/subscriptions/:id", (state, [id]) => state.subscription(id ?? "")),
  route("POST", "/v1/subscriptions/:id", (state, [id], form) => updateSubscription(state, id ?? "", form)),
  route("DELETE", "/v1/subscriptions/:id", (state, [id]) => cancelSubscription(state, id ?? "")),
  route("GET", "/v1/invoices/:id", (state, [id]) => state.invoice(id ?? "")),
  route("GET", "/v1/invoice_payments", (state, _params, query) => listInvoicePayments(state, query)),
  route("POST", "/v1/billing_portal/sessions", (state, _params, form) => {
    const customer = state.customer(formString(form, "customer") ?? "").id;
    const id = newId("bps");
    const session: PortalSession = {
      id,
      object: "billing_portal.session",
      customer,
      return_url: formString(form, "return_url") ?? null,
      url: `${state.baseUrl()}/portal/${id}`,
      created: nowSeconds(),
      livemode: false,
    };
    state.portalSessions.set(id, session);
    return session;
  }),
  route("GET", "/v1/events/:id", (state, [id]) => {
    const event = state.webhooks.event(id ?? "");
    if (!event) throw new StripeSimError(404, "invalid_request_error", `No such event: '${id ?? ""}'`);
    return event;
  }),
  route("GET", "/v1/events", (state, _params, query) => {
    const type = formString(query, "type");
    const events = state.webhooks.events().filter((event) => !type || event.type === type);
    return listOf("/v1/events", events.reverse().slice(0, 100));
  }),
];
