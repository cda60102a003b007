/**
 * Stripe pack checkouts through the real worker, the Stripe simulator and the official SDK: the checkout creates our
 * pending payment and a Checkout Session; the signed webhooks (delivered three times, reordered, concurrently) grant
 * the pack's credit once, in the ledger and in the hot path's counter; delayed payments credit only when they
 * succeed; forged and stale signatures are refused with nothing written.
 */
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { stripeEvents } from "../../db/schema.ts";
import { dashboardFetch } from "./support/dashboard.ts";
import { bearer, chatBody, gatewayFetch, withDatabase } from "./support/gateway.ts";
import { creditCounterKey } from "../src/services/billing/ledger.ts";
import { binding, testRedis } from "./support/stand-ins.ts";
import {
  balanceOf,
  ledgerOf,
  paymentRow,
  postWebhook,
  relay,
  relayTripleReordered,
  seedBillingAccount,
  signAs,
  simControl,
  startCheckout,
  submitCheckout,
  takeDeliveries,
  testStripe,
} from "./support/stripe.ts";

const chat = (apiKey: string) =>
  gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body: chatBody() });

const eventCount = async (ids: string[]) => {
  const rows = await withDatabase((db) =>
    Promise.all(ids.map((id) => db.select({ rows: count() }).from(stripeEvents).where(eq(stripeEvents.id, id)))),
  );
  return rows.reduce((sum, [row]) => sum + (row?.rows ?? 0), 0);
};

describe("Stripe pack checkout", () => {
  it("grants the pack once under triple, reordered delivery, and the hot path admits requests at once", async () => {
    const account = await seedBillingAccount();
    const refused = await chat(account.apiKey);
    expect(refused.status).toBe(402);
    await refused.arrayBuffer();

    const checkout = await startCheckout(account, "pack", "pack-10");
    expect(checkout.url).toMatch(/\/pay\/cs_test_/);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({
      status: "pending",
      provider: "stripe",
      purpose: "pack",
      amountMinor: 10_00,
      currency: "usd",
      creditMicroUsd: 10_000_000,
      providerReference: checkout.sessionId,
    });
    const session = await testStripe().checkout.sessions.retrieve(checkout.sessionId);
    expect(session).toMatchObject({
      mode: "payment",
      client_reference_id: account.userId,
      customer: checkout.customer,
      amount_total: 10_00,
      metadata: { user_id: account.userId, merchant_reference: checkout.merchantReference },
    });

    await submitCheckout(checkout.sessionId, "pay");
    const deliveries = await relayTripleReordered(checkout.customer);
    expect(deliveries.map((delivery) => delivery.type)).toContain("checkout.session.completed");
    // Each handled event is recorded once (charge.succeeded is acknowledged and not recorded).
    const handled = deliveries.filter((delivery) => delivery.type !== "charge.succeeded");
    expect(await eventCount(handled.map((delivery) => delivery.eventId))).toBe(handled.length);

    const ledger = await ledgerOf(account.userId);
    expect(ledger.map((row) => [row.kind, row.amountMicroUsd, row.reference])).toEqual([
      ["purchase", 10_000_000, `payment:${checkout.paymentId}`],
    ]);
    expect(await balanceOf(account.userId)).toBe(10_000_000);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "succeeded" });
    expect((await paymentRow(checkout.paymentId))?.providerPaymentReference).toMatch(/^pi_/);

    // The hot path's counter (loaded from Postgres by the refused request) was dropped with the grant, so the next
    // request derives it again with the grant in it (docs/credit.md, "Grants").
    expect(await testRedis().get(creditCounterKey(account.userId))).toBeNull();
    const admitted = await chat(account.apiKey);
    expect(admitted.status).toBe(200);
    await admitted.arrayBuffer();
  });

  it("credits a delayed payment only when it succeeds, whichever event comes first", async () => {
    const account = await seedBillingAccount();
    const checkout = await startCheckout(account, "pack", "pack-5");
    await submitCheckout(checkout.sessionId, "async");
    const completed = await takeDeliveries(checkout.customer);
    await simControlAsync(checkout.sessionId, "succeed");
    const succeeded = await takeDeliveries(checkout.customer);
    // The success first, then the (older) completion, then all again.
    await relay([...succeeded, ...completed], 2);
    expect((await ledgerOf(account.userId)).map((row) => row.amountMicroUsd)).toEqual([5_000_000]);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "succeeded" });

    const failing = await seedBillingAccount();
    const refusedCheckout = await startCheckout(failing, "pack", "pack-5");
    await submitCheckout(refusedCheckout.sessionId, "async");
    await relay(await takeDeliveries(refusedCheckout.customer));
    expect(await paymentRow(refusedCheckout.paymentId)).toMatchObject({ status: "pending" });
    await simControlAsync(refusedCheckout.sessionId, "fail");
    await relay(await takeDeliveries(refusedCheckout.customer), 3);
    expect(await paymentRow(refusedCheckout.paymentId)).toMatchObject({ status: "failed" });
    expect(await ledgerOf(failing.userId)).toEqual([]);
  });

  it("a declined card on the hosted page sends nothing and grants nothing", async () => {
    const account = await seedBillingAccount();
    const checkout = await startCheckout(account, "pack", "pack-5");
    await submitCheckout(checkout.sessionId, "decline");
    expect(await takeDeliveries(checkout.customer)).toEqual([]);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "pending" });
  });

  it("refuses forged and stale signatures with 400 and writes nothing", async () => {
    const account = await seedBillingAccount();
    const checkout = await startCheckout(account, "pack", "pack-5");
    await submitCheckout(checkout.sessionId, "pay");
    const deliveries = await takeDeliveries(checkout.customer);
    const completed = deliveries.find((delivery) => delivery.type === "checkout.session.completed");
    if (!completed) throw new Error("no checkout.session.completed");
    const now = Math.floor(Date.now() / 1000);
    const secret = binding("STRIPE_WEBHOOK_SECRET");
    const attempts = [
      await signAs(completed.payload, "whsec_forged", now),
      await signAs(completed.payload, secret, now - 600),
      "",
      "t=abc,v1=zz",
    ];
    for (const signature of attempts) {
      const response = await postWebhook(completed.payload, signature);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_webhook_signature");
    }
    // The body changed after signing: the signature of another body.
    const raised = completed.payload.replace('"amount_total": 500', '"amount_total": 50000');
    expect(raised).not.toBe(completed.payload);
    const tampered = await postWebhook(raised, completed.signature);
    expect(tampered.status).toBe(400);
    await tampered.arrayBuffer();
    expect(await eventCount([completed.eventId])).toBe(0);
    expect(await ledgerOf(account.userId)).toEqual([]);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "pending" });
    // The genuine delivery still works afterwards.
    await relay([completed]);
    expect(await balanceOf(account.userId)).toBe(5_000_000);
  });

  it("answers signed but malformed or foreign events without a 5xx, and records none of them", async () => {
    const secret = binding("STRIPE_WEBHOOK_SECRET");
    const now = Math.floor(Date.now() / 1000);
    const event = (type: string, object: unknown) =>
      JSON.stringify({ id: `evt_test_${crypto.randomUUID().slice(0, 8)}`, object: "event", type, data: { object } });
    const cases: Array<[string, number, string]> = [
      ["not json", 400, "invalid_request"],
      [JSON.stringify({ id: "evt_x", type: "invoice.paid" }), 400, "invalid_request"],
      [event("invoice.paid", { id: "in_missing", object: "invoice" }), 200, "ignored"],
      [event("customer.created", { id: "cus_whatever", object: "customer" }), 200, "ignored"],
    ];
    for (const [payload, status, expected] of cases) {
      const response = await postWebhook(payload, await signAs(payload, secret, now));
      expect(response.status, payload).toBe(status);
      const body = (await response.json()) as { outcome?: string; error?: { code: string } };
      expect(body.outcome ?? body.error?.code).toBe(expected);
    }
  });

  it("answers a bad product with a 400 in the API's error shape", async () => {
    const account = await seedBillingAccount();
    for (const body of [
      { kind: "pack", productId: "pack-7" },
      { kind: "plan", productId: "free" },
      { kind: "gift", productId: "pack-5" },
    ]) {
      const response = await dashboardFetch("/api/billing/stripe/checkout", account.token, { method: "POST", body });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { type: string } }).error;
      expect(error.type).toBe("invalid_request_error");
    }
  });
});

async function simControlAsync(sessionId: string, outcome: "succeed" | "fail"): Promise<void> {
  await simControl(`/checkout/sessions/${sessionId}/async`, { outcome });
}
