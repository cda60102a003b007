/**
 * Test helpers for EPS (worker/test/billing.eps.*): checkouts through the dashboard API, the EPS simulator's payment
 * page driven like a browser (GET the page, POST its form, read the redirect), its IPN bodies and `/_sim/` controls,
 * and what the database holds about a payment.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { inject } from "vitest";
import { creditLedger, payments, subscriptions, users } from "../../../db/schema.ts";
import { loadConfig } from "../../src/env.ts";
import { DASHBOARD_ORIGIN, dashboardFetch, type DashboardUser } from "./dashboard.ts";
import { gatewayFetch, withDatabase } from "./gateway.ts";

export const epsSimulatorUrl = (): string => inject("epsSimulatorUrl");

export const testConfig = () => loadConfig(env);

export interface Checkout {
  url: string;
  paymentId: string;
  merchantReference: string;
}

export async function epsCheckout(user: DashboardUser, kind: "pack" | "plan", productId: string): Promise<Checkout> {
  const response = await dashboardFetch("/api/billing/eps/checkout", user.token, {
    method: "POST",
    body: { kind, productId },
    headers: { origin: DASHBOARD_ORIGIN },
  });
  if (response.status !== 200) throw new Error(`checkout answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Checkout;
}

/** Opens the payment page, then submits its form: returns where EPS sends the browser (the return URL). */
export async function payOnPage(
  redirectUrl: string,
  method: "bkash" | "nagad" | "card",
  outcome: "pay" | "fail" | "cancel",
): Promise<URL> {
  const page = await fetch(redirectUrl);
  const html = await page.text();
  const action = new RegExp(`<form method="post" action="([^"]+)" data-method="${method}">`).exec(html)?.[1];
  if (!action) throw new Error(`the payment page offers no ${method} form`);
  const response = await fetch(new URL(action, redirectUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ method, outcome }).toString(),
    redirect: "manual",
  });
  const location = response.headers.get("location");
  if (response.status !== 303 || !location) throw new Error(`the payment form answered ${response.status}`);
  return new URL(location);
}

export async function simControl(merchantReference: string, action: string, body?: unknown): Promise<Response> {
  return fetch(`${epsSimulatorUrl()}/_sim/orders/${encodeURIComponent(merchantReference)}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
}

export async function simStats(): Promise<Record<string, number>> {
  return (await (await fetch(`${epsSimulatorUrl()}/_sim/stats`)).json()) as Record<string, number>;
}

/** The IPN body the simulator built for the order (as EPS would POST it). */
export async function simIpnBody(merchantReference: string): Promise<string> {
  const response = await fetch(`${epsSimulatorUrl()}/_sim/orders/${encodeURIComponent(merchantReference)}/ipn`);
  const { body } = (await response.json()) as { body: string | null };
  if (!body) throw new Error("the simulator has no IPN for this order");
  return body;
}

export function postIpn(body: string): Promise<Response> {
  return gatewayFetch("/webhooks/eps", { method: "POST", headers: { "content-type": "application/json" }, body });
}

export function verifyFromReturnPage(user: DashboardUser, merchantReference: string): Promise<Response> {
  return dashboardFetch("/api/billing/eps/verify", user.token, { method: "POST", body: { merchantReference } });
}

export async function paymentRow(paymentId: string) {
  const [row] = await withDatabase((db) => db.select().from(payments).where(eq(payments.id, paymentId)));
  if (!row) throw new Error("no such payment");
  return row;
}

export async function ledgerRows(paymentId: string) {
  return withDatabase((db) => db.select().from(creditLedger).where(eq(creditLedger.paymentId, paymentId)));
}

export async function account(userId: string) {
  const [row] = await withDatabase((db) =>
    db
      .select({ balance: users.creditBalanceMicroUsd, plan: users.plan, cancelledAt: users.cancelledAt })
      .from(users)
      .where(eq(users.id, userId)),
  );
  if (!row) throw new Error("no such user");
  return row;
}

export async function epsSubscriptions(userId: string) {
  return withDatabase((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, userId)));
}

/**
 * An IPN sealed by hand with WebCrypto (AES-256-CBC, the secret's UTF-8 bytes zero-padded to 32 bytes): what someone
 * holding the secret, or guessing it, could send.
 */
export async function sealIpn(payload: unknown, secret: string): Promise<string> {
  const keyBytes = new Uint8Array(32);
  keyBytes.set(new TextEncoder().encode(secret).subarray(0, 32));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "AES-CBC" }, false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-CBC", iv }, key, new TextEncoder().encode(JSON.stringify(payload))),
  );
  const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return JSON.stringify({ Data: `${base64(iv)}:${base64(ciphertext)}` });
}
