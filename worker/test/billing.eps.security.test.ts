/**
 * EPS grants credit only after server-side verification with the right amount: a tampered amount, a forged return
 * URL, forged and replayed IPNs and a failed or cancelled payment all grant nothing; a success grants exactly once
 * under repeated IPN, return-page checks and the pending re-check, concurrently.
 */
import { describe, expect, it } from "vitest";
import { epsPendingRechecked } from "../src/services/billing/eps/eps-jobs.ts";
import { seedDashboardUser } from "./support/dashboard.ts";
import {
  account,
  epsCheckout,
  ledgerRows,
  paymentRow,
  payOnPage,
  postIpn,
  sealIpn,
  simControl,
  simIpnBody,
  testConfig,
  verifyFromReturnPage,
} from "./support/eps.ts";
import { withDatabase } from "./support/gateway.ts";
import { binding, testRedis } from "./support/stand-ins.ts";

const START_BALANCE = 2_000_000;

async function buyer() {
  const user = await seedDashboardUser({ plan: "free", creditMicroUsd: START_BALANCE });
  await testRedis().set(`omz:credit:${user.userId}`, String(START_BALANCE));
  return user;
}

async function expectNothingGranted(userId: string, paymentId: string): Promise<void> {
  expect(await ledgerRows(paymentId)).toEqual([]);
  expect((await account(userId)).balance).toBe(START_BALANCE);
  expect(await testRedis().get(`omz:credit:${userId}`)).toBe(String(START_BALANCE));
}

describe("EPS verification", () => {
  it("a forged return URL (Status=Success on an unpaid order) grants nothing", async () => {
    const user = await buyer();
    const checkout = await epsCheckout(user, "pack", "pack-10");
    // The browser comes back claiming success without paying; the return page asks the server to verify.
    const response = await verifyFromReturnPage(user, checkout.merchantReference);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      paymentId: checkout.paymentId,
      merchantReference: checkout.merchantReference,
      status: "pending",
    });
    await expectNothingGranted(user.userId, checkout.paymentId);
    // Another account cannot even ask about the order.
    const stranger = await buyer();
    expect((await verifyFromReturnPage(stranger, checkout.merchantReference)).status).toBe(404);
  });

  it("a tampered amount (EPS reports another amount than the order's) grants nothing and fails the order", async () => {
    const user = await buyer();
    const checkout = await epsCheckout(user, "pack", "pack-10");
    expect((await simControl(checkout.merchantReference, "tamper", { amount: "12.00" })).status).toBe(200);
    await payOnPage(checkout.url, "card", "pay");
    const ipn = await postIpn(await simIpnBody(checkout.merchantReference));
    expect(await ipn.json()).toMatchObject({ status: "OK", outcome: "failed" });
    expect((await paymentRow(checkout.paymentId)).status).toBe("failed");
    const again = await verifyFromReturnPage(user, checkout.merchantReference);
    expect(await again.json()).toMatchObject({ status: "failed" });
    await expectNothingGranted(user.userId, checkout.paymentId);
  });

  it("a failed and a cancelled payment grant nothing", async () => {
    const user = await buyer();
    const failed = await epsCheckout(user, "pack", "pack-5");
    const failedReturn = await payOnPage(failed.url, "nagad", "fail");
    expect(failedReturn.searchParams.get("outcome")).toBe("fail");
    expect(failedReturn.searchParams.get("Status")).toBe("Failed");
    expect(await (await postIpn(await simIpnBody(failed.merchantReference))).json()).toMatchObject({
      outcome: "failed",
    });
    const cancelled = await epsCheckout(user, "pack", "pack-5");
    const cancelledReturn = await payOnPage(cancelled.url, "bkash", "cancel");
    expect(cancelledReturn.searchParams.get("outcome")).toBe("cancel");
    expect(await (await verifyFromReturnPage(user, cancelled.merchantReference)).json()).toMatchObject({
      status: "cancelled",
    });
    expect((await paymentRow(failed.paymentId)).status).toBe("failed");
    expect((await paymentRow(cancelled.paymentId)).status).toBe("cancelled");
    await expectNothingGranted(user.userId, failed.paymentId);
    await expectNothingGranted(user.userId, cancelled.paymentId);
  });

  it("a forged IPN grants nothing: a wrong key is refused, a right key claiming success is checked with EPS", async () => {
    const user = await buyer();
    const checkout = await epsCheckout(user, "pack", "pack-25");
    const claim = {
      merchant_transaction_id: checkout.merchantReference,
      status: "SUCCESS",
      amount: "3000.00",
    };
    const wrongKey = await postIpn(await sealIpn(claim, "not-the-secret"));
    expect(wrongKey.status).toBe(400);
    expect(((await wrongKey.json()) as { error: { code: string } }).error.code).toBe("invalid_webhook_signature");
    for (const garbage of ['{"Data":"abc"}', '{"Data":"AAAA:BBBB"}', "{}", "not json"]) {
      expect((await postIpn(garbage)).status).toBe(400);
    }
    const rightKey = await postIpn(await sealIpn(claim, binding("EPS_IPN_SECRET")));
    expect(rightKey.status).toBe(200);
    expect(await rightKey.json()).toMatchObject({ outcome: "pending" });
    expect((await paymentRow(checkout.paymentId)).status).toBe("pending");
    await expectNothingGranted(user.userId, checkout.paymentId);
  });

  it("a success grants exactly once under replayed IPNs, return-page checks and the re-check job, concurrently", async () => {
    const user = await buyer();
    const checkout = await epsCheckout(user, "pack", "pack-10");
    await payOnPage(checkout.url, "bkash", "pay");
    const ipn = await simIpnBody(checkout.merchantReference);
    const config = testConfig();
    const recheck = () =>
      withDatabase((db) =>
        epsPendingRechecked({ config, db, redis: testRedis(), now: new Date(Date.now() + 10 * 60 * 1000) }),
      );
    const results = await Promise.all([
      postIpn(ipn),
      postIpn(ipn),
      postIpn(ipn),
      verifyFromReturnPage(user, checkout.merchantReference),
      verifyFromReturnPage(user, checkout.merchantReference),
      recheck(),
    ]);
    const outcomes = await Promise.all(
      results
        .slice(0, 3)
        .map(async (response) => ((await (response as Response).json()) as { outcome: string }).outcome),
    );
    expect(outcomes.filter((outcome) => outcome === "granted").length).toBeLessThanOrEqual(1);
    // A replay long after: still once.
    expect(await (await postIpn(ipn)).json()).toMatchObject({ outcome: "already_final" });

    const ledger = await ledgerRows(checkout.paymentId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.amountMicroUsd).toBe(10_000_000);
    expect((await account(user.userId)).balance).toBe(START_BALANCE + 10_000_000);
    // Granted once: the counter was dropped (reloaded from Postgres by the next request), the ledger holds one row.
    expect(await testRedis().get(`omz:credit:${user.userId}`)).toBeNull();
    expect((await paymentRow(checkout.paymentId)).status).toBe("succeeded");
  });
});
