/** The EPS simulator's test controls (`/_sim/...`): what tests do to EPS that a customer or EPS would. */
import type { ServerResponse } from "node:http";
import type { Order, OrderBook } from "./orders.ts";
import { statusView } from "./orders.ts";
import { parseJson, reply } from "./replies.ts";

export interface SimCounters {
  getToken: number;
  unauthorized: number;
  initialize: number;
  status: number;
  ipnDelivered: number;
}

export interface SimState {
  orders: OrderBook;
  tokens: Map<string, number>;
  counters: SimCounters;
  /** Set by `POST /_sim/initialize/refuse`: the next InitializeEPS is refused (400 with an ErrorMessage). */
  faults: { refuseNextInitialize: boolean };
  /** Builds the order's IPN body and POSTs it when an IPN URL is configured; the receiver's status or null. */
  deliverIpn(order: Order): Promise<number | null>;
}

/**
 * Test controls:
 * - `GET /_sim/stats`: calls so far (getToken, unauthorized, initialize, status, ipnDelivered);
 * - `POST /_sim/tokens/expire`: every issued token expires now (the next call with one is a 401);
 * - `POST /_sim/initialize/refuse`: the next InitializeEPS is refused, as EPS refuses an inactive store;
 * - `GET /_sim/orders/<merchantTransactionId>`: the order as the status check reports it;
 * - `POST .../tamper {"amount":"1.00"}`: EPS reports another amount than the one initialised;
 * - `POST .../delay`: paying leaves the order Processing, with no IPN; `POST .../complete` makes it a Success
 *   later, again without an IPN (a lost notification: only the pending re-check can find it);
 * - `GET .../ipn`: the last IPN body (`{"body": "..."}`), to post or replay; `POST .../ipn`: deliver it again.
 */
export async function simControl(
  state: SimState,
  method: string,
  url: URL,
  body: Buffer,
  response: ServerResponse,
): Promise<number> {
  const { orders, tokens, counters, faults, deliverIpn } = state;
  if (method === "GET" && url.pathname === "/_sim/stats") return reply(response, 200, counters);
  if (method === "POST" && url.pathname === "/_sim/tokens/expire") {
    for (const token of tokens.keys()) tokens.set(token, 0);
    return reply(response, 200, { expired: tokens.size });
  }
  if (method === "POST" && url.pathname === "/_sim/initialize/refuse") {
    faults.refuseNextInitialize = true;
    return reply(response, 200, { refuseNextInitialize: true });
  }
  const match = /^\/_sim\/orders\/([^/]+)(?:\/(tamper|delay|complete|ipn))?$/.exec(url.pathname);
  const order = match ? orders.byMerchant(decodeURIComponent(match[1] ?? "")) : undefined;
  if (!order) return reply(response, 404, { error: "unknown order" });
  const action = match?.[2];
  if (!action && method === "GET") return reply(response, 200, statusView(order));
  if (action === "tamper" && method === "POST") {
    const amount = (parseJson(body) as { amount?: unknown } | null)?.amount;
    if (typeof amount !== "string") return reply(response, 400, { error: "amount must be a decimal string" });
    order.reportedAmount = amount;
  } else if (action === "delay" && method === "POST") {
    order.delayed = true;
  } else if (action === "complete" && method === "POST") {
    if (order.status !== "Processing") return reply(response, 409, { error: "order is not Processing" });
    order.status = "Success";
  } else if (action === "ipn" && method === "GET") {
    return reply(response, order.ipnBody ? 200 : 404, { body: order.ipnBody });
  } else if (action === "ipn" && method === "POST") {
    const status = await deliverIpn(order);
    return reply(response, 200, { deliveredStatus: status });
  } else {
    return reply(response, 405, { error: "method not allowed" });
  }
  return reply(response, 200, statusView(order));
}
