/**
 * The simulator through the official `stripe` SDK (Node build, fetch client): requests, idempotency, errors and
 * webhook signatures as the SDK expects them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeSim, type StripeSim } from "./server.ts";
import type { SignedDelivery } from "./webhooks.ts";

const SECRET_KEY = "sk_test_simulator";
const WEBHOOK_SECRET = "whsec_simulator_test";
let sim: StripeSim;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startStripeSim({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
  stripe = new Stripe(SECRET_KEY, {
    host: "127.0.0.1",
    port: sim.port,
    protocol: "http",
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
});
afterAll(() => sim.close());

async function control<T>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`${sim.url}/_sim${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const take = (customer: string) =>
  control<{ deliveries: SignedDelivery[] }>("/outbox/take", { customer }).then((result) => result.deliveries);

const packSession = (customer: string, key: string) =>
  stripe.checkout.sessions.create(
    {
      mode: "payment",
      customer,
      client_reference_id: "user-1",
      metadata: { merchant_reference: key },
      payment_intent_data: { setup_future_usage: "off_session", metadata: { merchant_reference: key } },
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "5 USD" } } }],
      success_url: "http://app.test/billing?paid={CHECKOUT_SESSION_ID}",
    },
    { idempotencyKey: key },
  );

describe("stripe simulator", () => {
  it("creates a checkout session once per idempotency key and refuses the key with other parameters", async () => {
    const customer = await stripe.customers.create({ metadata: { user_id: "user-1" } });
    const first = await packSession(customer.id, "key-1");
    const again = await packSession(customer.id, "key-1");
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ object: "checkout.session", mode: "payment", status: "open", amount_total: 500 });
    expect(first.url).toBe(`${sim.url}/pay/${first.id}`);
    await expect(
      stripe.checkout.sessions.create(
        { mode: "payment", line_items: [], success_url: "http://app.test" },
        { idempotencyKey: "key-1" },
      ),
    ).rejects.toMatchObject({ type: "StripeIdempotencyError" });
  });

  it("pays on the hosted page and delivers events signed as Stripe signs them", async () => {
    const customer = await stripe.customers.create({});
    const session = await packSession(customer.id, "key-2");
    const page = await fetch(`${sim.url}/pay/${session.id}`, {
      method: "POST",
      body: new URLSearchParams({ outcome: "pay" }),
      redirect: "manual",
    });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`http://app.test/billing?paid=${session.id}`);
    const deliveries = await take(customer.id);
    expect(deliveries.map((delivery) => delivery.type)).toEqual([
      "payment_intent.succeeded",
      "charge.succeeded",
      "checkout.session.completed",
    ]);
    const crypto = Stripe.createSubtleCryptoProvider();
    for (const delivery of deliveries) {
      const event = await stripe.webhooks.constructEventAsync(
        delivery.payload,
        delivery.signature,
        WEBHOOK_SECRET,
        undefined,
        crypto,
      );
      expect(event.id).toBe(delivery.eventId);
    }
    await expect(
      stripe.webhooks.constructEventAsync(
        deliveries[0]?.payload ?? "",
        deliveries[0]?.signature ?? "",
        "whsec_other",
        undefined,
        crypto,
      ),
    ).rejects.toMatchObject({ type: "StripeSignatureVerificationError" });
    const reread = await stripe.checkout.sessions.retrieve(session.id);
    expect(reread).toMatchObject({ status: "complete", payment_status: "paid" });
    const methods = await stripe.customers.listPaymentMethods(customer.id);
    expect(methods.data).toHaveLength(1);
  });

  it("declines an off-session payment with a card_error carrying the intent", async () => {
    const customer = await stripe.customers.create({});
    await packSession(customer.id, "key-3").then((session) =>
      control(`/checkout/sessions/${session.id}/submit`, { outcome: "pay" }),
    );
    const [method] = (await stripe.customers.listPaymentMethods(customer.id)).data;
    await control(`/customers/${customer.id}/card`, { outcome: "decline" });
    const attempt = stripe.paymentIntents.create(
      {
        amount: 1000,
        currency: "usd",
        customer: customer.id,
        payment_method: method?.id,
        off_session: true,
        confirm: true,
      },
      { idempotencyKey: "key-4" },
    );
    await expect(attempt).rejects.toMatchObject({ type: "StripeCardError", code: "card_declined" });
    const types = (await take(customer.id)).map((delivery) => delivery.type);
    expect(types).toContain("payment_intent.payment_failed");
  });

  it("answers an unknown object with Stripe's error shape, and a wrong key with 401", async () => {
    await expect(stripe.subscriptions.retrieve("sub_missing")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
    });
    const wrong = new Stripe("sk_test_wrong", {
      host: "127.0.0.1",
      port: sim.port,
      protocol: "http",
      maxNetworkRetries: 0,
    });
    await expect(wrong.customers.create({})).rejects.toMatchObject({ type: "StripeAuthenticationError" });
  });

  it("renews a subscription with a subscription_cycle invoice naming it in parent.subscription_details", async () => {
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      subscription_data: { metadata: { plan: "pro" } },
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: 2000,
            recurring: { interval: "month" },
            product_data: { name: "Pro" },
          },
        },
      ],
      success_url: "http://app.test/billing",
    });
    await control(`/checkout/sessions/${session.id}/submit`, { outcome: "pay" });
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    const before = await stripe.subscriptions.retrieve(subscriptionId);
    await take(customer.id);
    const invoice = await control<{ id: string; billing_reason: string }>(`/subscriptions/${subscriptionId}/renew`);
    expect(invoice.billing_reason).toBe("subscription_cycle");
    const paid = await stripe.invoices.retrieve(invoice.id);
    expect(paid.parent?.subscription_details?.subscription).toBe(subscriptionId);
    const after = await stripe.subscriptions.retrieve(subscriptionId);
    expect(after.items.data[0]?.current_period_end).toBeGreaterThan(before.items.data[0]?.current_period_end ?? 0);
    const types = (await take(customer.id)).map((delivery) => delivery.type);
    expect(types).toEqual(expect.arrayContaining(["invoice.paid", "customer.subscription.updated"]));
  });

  it("prorates a price change: the difference for the time left now, a downgrade's credit kept for later", async () => {
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: 2000,
            recurring: { interval: "month" },
            product_data: { name: "Pro" },
          },
        },
      ],
      success_url: "http://app.test/billing",
    });
    await control(`/checkout/sessions/${session.id}/submit`, { outcome: "pay" });
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    // Half the period left (30 days, 15 gone).
    const item = sim.state.subscription(subscriptionId).items.data[0];
    if (!item) throw new Error("no item");
    const now = Math.floor(Date.now() / 1000);
    item.current_period_start = now - 15 * 86_400;
    item.current_period_end = now + 15 * 86_400;
    await take(customer.id);

    const params = { currency: "usd", unit_amount: 10_000, recurring: { interval: "month" as const } };
    const team = await stripe.prices.create({ ...params, lookup_key: "team_10000", product_data: { name: "Team" } });
    await expect(
      stripe.prices.create({ ...params, lookup_key: "team_10000", product_data: { name: "Team" } }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "lookup_key" });
    expect((await stripe.prices.list({ lookup_keys: ["team_10000"] })).data.map((price) => price.id)).toEqual([
      team.id,
    ]);
    const pro = await stripe.prices.create({ ...params, unit_amount: 2000, product_data: { name: "Pro" } });

    const inlinePrice = item.price.id;
    const upgrade = await stripe.subscriptions.update(subscriptionId, {
      items: [{ id: item.id, price: team.id }],
      proration_behavior: "always_invoice",
    });
    expect(upgrade.items.data[0]?.current_period_end).toBe(item.current_period_end);
    const charged = await stripe.invoices.retrieve(String(upgrade.latest_invoice));
    // round(10000 × ½) − round(2000 × ½): the second or two the test takes rounds away.
    expect(charged).toMatchObject({ billing_reason: "subscription_update", status: "paid", total: 4000 });
    expect(charged.amount_paid).toBe(4000);
    expect(charged.lines.data.map((line) => [line.amount, line.pricing?.price_details?.price])).toEqual([
      [-1000, inlinePrice],
      [5000, team.id],
    ]);
    const [payment] = (await stripe.invoicePayments.list({ invoice: charged.id ?? "" })).data;
    expect(payment?.amount_paid).toBe(4000);

    const downgrade = await stripe.subscriptions.update(subscriptionId, {
      items: [{ id: item.id, price: pro.id }],
      proration_behavior: "always_invoice",
    });
    const credited = await stripe.invoices.retrieve(String(downgrade.latest_invoice));
    expect(credited).toMatchObject({ total: -4000, amount_paid: 0, status: "paid" });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ balance: -4000 });
    const renewal = await control<{ total: number; amount_paid: number }>(`/subscriptions/${subscriptionId}/renew`);
    expect(renewal).toMatchObject({ total: 2000, amount_paid: 0 });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ balance: -2000 });
    const types = (await take(customer.id)).map((delivery) => delivery.type);
    expect(types.filter((type) => type === "invoice.paid")).toHaveLength(3);
  });

  it("switches plans in the portal among the Prices that name a plan, prorated and invoiced at once", async () => {
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "usd",
            unit_amount: 2000,
            recurring: { interval: "month" },
            product_data: { name: "Pro" },
          },
        },
      ],
      success_url: "http://app.test/billing",
    });
    await control(`/checkout/sessions/${session.id}/submit`, { outcome: "pay" });
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    const recurring = { interval: "month" as const };
    const named = await stripe.prices.create({
      currency: "usd",
      unit_amount: 10_000,
      recurring,
      metadata: { plan: "team" },
      product_data: { name: "Team" },
    });
    const unnamed = await stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      recurring,
      product_data: { name: "x" },
    });
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain(`${subscriptionId}:${named.id}`);
    expect(page).not.toContain(unnamed.id);
    await take(customer.id);

    const refused = await fetch(portal.url, {
      method: "POST",
      body: `switch=${subscriptionId}:${unnamed.id}`,
      redirect: "manual",
    });
    expect(refused.status).toBe(303);
    expect((await stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.price.unit_amount).toBe(2000);
    const switched = await fetch(portal.url, {
      method: "POST",
      body: `switch=${subscriptionId}:${named.id}`,
      redirect: "manual",
    });
    expect(switched.status).toBe(303);
    const after = await stripe.subscriptions.retrieve(subscriptionId);
    expect(after.items.data[0]?.price).toMatchObject({ id: named.id, metadata: { plan: "team" } });
    const invoice = await stripe.invoices.retrieve(String(after.latest_invoice));
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.amount_paid).toBeGreaterThan(7_990);
    const types = (await take(customer.id)).map((delivery) => delivery.type);
    expect(types).toEqual(expect.arrayContaining(["customer.subscription.updated", "invoice.paid"]));
  });

  it("POSTs signed webhooks to the configured endpoint (npm run dev's gateway)", async () => {
    const received: Array<{ body: string; signature: string }> = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({
          body: Buffer.concat(chunks).toString("utf8"),
          signature: String(request.headers["stripe-signature"]),
        });
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
    try {
      await control("/webhook-endpoint", { url: endpoint });
      const customer = await stripe.customers.create({});
      const session = await packSession(customer.id, "key-push");
      await control(`/checkout/sessions/${session.id}/submit`, { outcome: "pay" });
      for (let wait = 0; wait < 50 && received.length < 3; wait += 1) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(3);
      const crypto = Stripe.createSubtleCryptoProvider();
      const types = [];
      for (const delivery of received) {
        const event = await stripe.webhooks.constructEventAsync(
          delivery.body,
          delivery.signature,
          WEBHOOK_SECRET,
          undefined,
          crypto,
        );
        types.push(event.type);
      }
      expect(types).toContain("checkout.session.completed");
      expect(await take(customer.id)).toEqual([]);
    } finally {
      await control("/webhook-endpoint", { url: null });
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
