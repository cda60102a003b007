/**
 * Stripe test helpers: the simulator's controls (local/stripe-sim), relaying its signed webhook deliveries to the
 * worker (which has no port of its own under vitest-pool-workers), checkouts through the dashboard API, and accounts
 * with both a session token and an API key.
 */
import { inject } from "vitest";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { creditLedger, payments, users } from "../../../db/schema.ts";
import { newClerkUserId, sessionToken, dashboardFetch } from "./dashboard.ts";
import { gatewayFetch, seedAccount, withDatabase, type SeededAccount } from "./gateway.ts";
import { binding } from "./stand-ins.ts";

export interface Delivery {
  eventId: string;
  type: string;
  customer: string | null;
  payload: string;
  signature: string;
}

export async function simControl<T>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`${inject("stripeSimUrl")}/_sim${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`stripe-sim ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The signed deliveries waiting for this customer, oldest first (taken out of the simulator's outbox). */
export async function takeDeliveries(customer: string): Promise<Delivery[]> {
  return (await simControl<{ deliveries: Delivery[] }>("/outbox/take", { customer })).deliveries;
}

export async function postWebhook(payload: string, signature: string): Promise<Response> {
  return gatewayFetch("/webhooks/stripe", {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature },
    body: payload,
  });
}

/** Posts each delivery `times` times, in the order given; every answer must be a 200. Returns the outcomes. */
export async function relay(deliveries: readonly Delivery[], times = 1): Promise<string[]> {
  const outcomes: string[] = [];
  for (let round = 0; round < times; round += 1) {
    for (const delivery of deliveries) {
      const response = await postWebhook(delivery.payload, delivery.signature);
      const body = (await response.json()) as { outcome?: string };
      if (response.status !== 200) throw new Error(`webhook ${delivery.type}: ${response.status}`);
      outcomes.push(`${delivery.type}:${body.outcome ?? "?"}`);
    }
  }
  return outcomes;
}

/** Takes the customer's deliveries and relays them three times: in order, reversed, and concurrently. */
export async function relayTripleReordered(customer: string): Promise<Delivery[]> {
  const deliveries = await takeDeliveries(customer);
  await relay([...deliveries].reverse());
  await relay(deliveries);
  await Promise.all(deliveries.map((delivery) => relay([delivery])));
  return deliveries;
}

/** HMAC-SHA256 `t=…,v1=…` over `<t>.<payload>` with `secret`, as Stripe signs (for forged and stale cases). */
export async function signAs(payload: string, secret: string, timestamp: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${payload}`));
  const hex = [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `t=${timestamp},v1=${hex}`;
}

export interface BillingAccount extends SeededAccount {
  clerkUserId: string;
  token: string;
}

/** An account with an API key, no credit and the free plan, that can also call the dashboard API. */
export async function seedBillingAccount(creditMicroUsd = 0): Promise<BillingAccount> {
  const account = await seedAccount({ creditMicroUsd, plan: "free" });
  const clerkUserId = newClerkUserId();
  await withDatabase((db) => db.update(users).set({ clerkUserId }).where(eq(users.id, account.userId)));
  return { ...account, clerkUserId, token: await sessionToken(clerkUserId) };
}

export interface StartedCheckout {
  url: string;
  paymentId: string;
  merchantReference: string;
  sessionId: string;
  customer: string;
}

export async function startCheckout(
  account: BillingAccount,
  kind: "pack" | "plan",
  productId: string,
): Promise<StartedCheckout> {
  const response = await dashboardFetch("/api/billing/stripe/checkout", account.token, {
    method: "POST",
    body: { kind, productId },
    headers: { origin: "http://dashboard.test" },
  });
  if (response.status !== 200) throw new Error(`checkout: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { url: string; paymentId: string; merchantReference: string };
  const sessionId = body.url.split("/pay/")[1] ?? "";
  return { ...body, sessionId, customer: await customerOf(account.userId) };
}

export async function customerOf(userId: string): Promise<string> {
  const [user] = await withDatabase((db) =>
    db.select({ customer: users.stripeCustomerId }).from(users).where(eq(users.id, userId)),
  );
  return user?.customer ?? "";
}

/** The hosted page's button, as a browser would press it. */
export function submitCheckout(sessionId: string, outcome: "pay" | "decline" | "async"): Promise<unknown> {
  return simControl(`/checkout/sessions/${sessionId}/submit`, { outcome });
}

export async function ledgerOf(userId: string) {
  return withDatabase((db) => db.select().from(creditLedger).where(eq(creditLedger.userId, userId)));
}

export async function balanceOf(userId: string): Promise<number> {
  const [user] = await withDatabase((db) =>
    db.select({ balance: users.creditBalanceMicroUsd }).from(users).where(eq(users.id, userId)),
  );
  return user?.balance ?? Number.NaN;
}

export async function paymentRow(paymentId: string) {
  const [row] = await withDatabase((db) => db.select().from(payments).where(eq(payments.id, paymentId)));
  return row;
}

/** The official SDK against the simulator, with the worker's key (for reading what Stripe holds). */
export function testStripe(): Stripe {
  const base = new URL(inject("stripeSimUrl"));
  return new Stripe(binding("STRIPE_SECRET_KEY"), {
    host: base.hostname,
    port: Number(base.port),
    protocol: "http",
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
}
