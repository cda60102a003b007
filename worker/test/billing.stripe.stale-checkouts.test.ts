/**
 * Stale Stripe checkouts: the job cancels a pending payment whose Checkout Session expired (re-read from Stripe) or
 * that never got one, leaves open sessions and young payments alone, looks at each at most once an hour; and
 * `checkout.session.expired`, delivered three times and reordered, cancels the payment too.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { payments } from "../../db/schema.ts";
import { loadConfig } from "../src/env.ts";
import { STALE_AFTER_MS, closeStaleCheckouts } from "../src/services/billing/stripe/stale-checkouts.ts";
import { createStripeClient } from "../src/services/billing/stripe/stripe-client.ts";
import { withDatabase } from "./support/gateway.ts";
import {
  paymentRow,
  relayTripleReordered,
  seedBillingAccount,
  startCheckout,
  submitCheckout,
  testStripe,
} from "./support/stripe.ts";

/** One run as of `now`, over every stale payment in the shared test database (other files leave some behind). */
function runJob(now: Date): Promise<number> {
  const stripe = createStripeClient(loadConfig(env as object));
  if (!stripe) throw new Error("stripe not configured in tests");
  return withDatabase((db) => closeStaleCheckouts({ db, stripe }, now, 10_000));
}

const HOUR_MS = 60 * 60 * 1000;

describe("stale Stripe checkouts", () => {
  it("cancels expired and never-created sessions; leaves open, paid and young ones", async () => {
    const account = await seedBillingAccount();
    const expired = await startCheckout(account, "pack", "pack-10");
    const open = await startCheckout(account, "plan", "pro");
    const paid = await startCheckout(account, "pack", "pack-5");
    await submitCheckout(paid.sessionId, "pay");
    await relayTripleReordered(paid.customer);
    await testStripe().checkout.sessions.expire(expired.sessionId);
    const [orphan] = await withDatabase((db) =>
      db
        .insert(payments)
        .values({
          userId: account.userId,
          provider: "stripe",
          purpose: "pack",
          productId: "pack-5",
          merchantReference: `omz_${crypto.randomUUID().replaceAll("-", "")}`,
          amountMinor: 5_00,
          currency: "usd",
          creditMicroUsd: 5_000_000,
        })
        .returning({ id: payments.id }),
    );

    // Young: nothing is looked at yet.
    await runJob(new Date(Date.now() + STALE_AFTER_MS / 2));
    expect((await paymentRow(expired.paymentId))?.status).toBe("pending");
    expect((await paymentRow(orphan?.id ?? ""))?.status).toBe("pending");

    const later = new Date(Date.now() + STALE_AFTER_MS + 60_000);
    await runJob(later);
    expect((await paymentRow(expired.paymentId))?.status).toBe("cancelled");
    expect((await paymentRow(orphan?.id ?? ""))?.status).toBe("cancelled");
    const stillOpen = await paymentRow(open.paymentId);
    expect(stillOpen).toMatchObject({ status: "pending" });
    expect(stillOpen?.updatedAt.getTime()).toBe(later.getTime());
    expect((await paymentRow(paid.paymentId))?.status).toBe("succeeded");

    // The open session expires at Stripe: looked at again only an hour after the last look.
    await testStripe().checkout.sessions.expire(open.sessionId);
    await runJob(new Date(later.getTime() + HOUR_MS / 2));
    expect((await paymentRow(open.paymentId))?.status).toBe("pending");
    await runJob(new Date(later.getTime() + HOUR_MS + 1000));
    expect((await paymentRow(open.paymentId))?.status).toBe("cancelled");
  });

  it("checkout.session.expired cancels the pending payment", async () => {
    const account = await seedBillingAccount();
    const checkout = await startCheckout(account, "pack", "pack-10");
    await testStripe().checkout.sessions.expire(checkout.sessionId);
    const deliveries = await relayTripleReordered(checkout.customer);
    expect(deliveries.map((delivery) => delivery.type)).toEqual(["checkout.session.expired"]);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "cancelled" });
  });
});
