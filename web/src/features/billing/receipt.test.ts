import { describe, expect, it } from "vitest";
import type { Payment } from "../../lib/api-types";
import { receiptFilename, receiptText, type ReceiptLabels } from "./receipt";

const payment: Payment = {
  id: "6f1c1b9e-2f59-4f7e-9a53-9a3f8f3d1c11",
  provider: "eps",
  purpose: "pack",
  productId: "pack-10",
  merchantReference: "omz/2026 12:06",
  providerReference: "EPS-TXN-778899",
  amountMinor: 1_200_00,
  currency: "bdt",
  creditMicroUsd: 10_000_000,
  status: "succeeded",
  refundedMinor: 0,
  createdAt: "2026-12-06T03:00:00.000Z",
  completedAt: "2026-12-06T03:01:00.000Z",
};

const labels: ReceiptLabels = {
  title: "Receipt",
  payment: "Payment",
  date: "Date",
  completed: "Completed",
  item: "Item",
  amount: "Amount",
  refunded: "Refunded",
  credit: "Credit",
  status: "Status",
  method: "Paid through",
  ourReference: "Our reference",
  providerReference: "Provider's reference",
  notYetKnown: "not yet known",
  note: "No card or bank details.",
};

const values = {
  item: "Credit pack",
  amount: "৳1,200.00 BDT",
  refunded: null,
  credit: "$10.00",
  status: "Succeeded",
  provider: "EPS",
  date: "Dec 6, 2026",
  completed: "Dec 6, 2026",
};

describe("receipt", () => {
  it("holds both references, the amount with its currency, the credit and the dates", () => {
    const text = receiptText(payment, labels, values);
    for (const expected of [
      payment.id,
      "omz/2026 12:06",
      "EPS-TXN-778899",
      "৳1,200.00 BDT",
      "$10.00",
      "Succeeded",
      "Completed:",
      "Paid through:",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("Refunded");
  });

  it("says when the provider's reference is not known yet, and shows a refund", () => {
    const text = receiptText({ ...payment, providerReference: null }, labels, { ...values, refunded: "৳600.00 BDT" });
    expect(text).toMatch(/Provider's reference:\s+not yet known/);
    expect(text).toMatch(/Refunded:\s+৳600\.00 BDT/);
  });

  it("names the file after our reference, safely", () => {
    expect(receiptFilename(payment)).toBe("omnizen-receipt-omz_2026_12_06.txt");
  });
});
