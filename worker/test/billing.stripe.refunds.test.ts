/**
 * Money going back through Stripe: partial and full refunds claw back the credit in proportion, once per refund;
 * a dispute debits the disputed share and a won dispute gives it back, whichever order the events come in; each
 * batch of events is delivered three times, reordered.
 */
import { describe, expect, it } from "vitest";
import {
  balanceOf,
  ledgerOf,
  paymentRow,
  relayTripleReordered,
  seedBillingAccount,
  simControl,
  startCheckout,
  submitCheckout,
  takeDeliveries,
  testStripe,
  relay,
  type BillingAccount,
} from "./support/stripe.ts";

/** A paid pack-10 (10.00 USD for 10 USD of credit), its events applied; returns the payment and its charge. */
async function paidPack(account: BillingAccount, pack = "pack-10") {
  const checkout = await startCheckout(account, "pack", pack);
  await submitCheckout(checkout.sessionId, "pay");
  await relayTripleReordered(checkout.customer);
  const payment = await paymentRow(checkout.paymentId);
  const intent = payment?.providerPaymentReference ?? "";
  const { latest_charge: charge } = await testStripe().paymentIntents.retrieve(intent);
  return { checkout, charge: String(charge) };
}

describe("Stripe refunds and disputes", () => {
  it("claws back the credit in proportion to each refund, once per refund id", async () => {
    const account = await seedBillingAccount();
    const { checkout, charge } = await paidPack(account, "pack-50");
    // pack-50: 50.00 USD for 51 USD of credit. Refund 12.34 USD, then 0.01, then the rest.
    await simControl("/refunds", { charge, amount: 12_34 });
    await relayTripleReordered(checkout.customer);
    expect(await balanceOf(account.userId)).toBe(51_000_000 - 12_586_800);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "partially_refunded", refundedMinor: 12_34 });

    await simControl("/refunds", { charge, amount: 1 });
    await simControl("/refunds", { charge });
    await relayTripleReordered(checkout.customer);
    const refunds = (await ledgerOf(account.userId)).filter((row) => row.kind === "refund");
    expect(refunds).toHaveLength(3);
    expect(new Set(refunds.map((row) => row.reference)).size).toBe(3);
    // The parts add up to the whole credit exactly: nothing is left, nothing clawed twice.
    expect(await balanceOf(account.userId)).toBe(0);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "refunded", refundedMinor: 50_00 });
  });

  it("a dispute debits the disputed credit; a won dispute restores it, even when closed arrives first", async () => {
    const account = await seedBillingAccount();
    const { checkout, charge } = await paidPack(account);
    const dispute = await simControl<{ id: string }>(`/charges/${charge}/dispute`);
    const opened = await takeDeliveries(checkout.customer);
    await relay(opened);
    expect(await balanceOf(account.userId)).toBe(0);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "disputed" });

    await simControl(`/disputes/${dispute.id}/close`, { status: "won" });
    await relayTripleReordered(checkout.customer);
    await relay(opened, 2);
    expect(await balanceOf(account.userId)).toBe(10_000_000);
    expect((await ledgerOf(account.userId)).map((row) => row.kind).sort()).toEqual([
      "dispute",
      "dispute_reversal",
      "purchase",
    ]);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "succeeded" });

    // Closed (won) delivered before created: the debit is applied first, then the reversal; nothing twice.
    const other = await seedBillingAccount();
    const second = await paidPack(other);
    const early = await simControl<{ id: string }>(`/charges/${second.charge}/dispute`);
    const created = await takeDeliveries(second.checkout.customer);
    await simControl(`/disputes/${early.id}/close`, { status: "won" });
    const closed = await takeDeliveries(second.checkout.customer);
    await relay([...closed, ...created], 3);
    expect(await balanceOf(other.userId)).toBe(10_000_000);
    expect((await ledgerOf(other.userId)).length).toBe(3);
  });

  it("a lost dispute keeps the debit", async () => {
    const account = await seedBillingAccount();
    const { checkout, charge } = await paidPack(account);
    const dispute = await simControl<{ id: string }>(`/charges/${charge}/dispute`, { amount: 4_00 });
    await simControl(`/disputes/${dispute.id}/close`, { status: "lost" });
    await relayTripleReordered(checkout.customer);
    expect(await balanceOf(account.userId)).toBe(6_000_000);
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "disputed" });
  });
});
