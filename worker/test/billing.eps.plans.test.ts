/**
 * EPS plans are paid periods: a plan payment opens a 30-day period with the month's credit and the plan; a renewal
 * extends from the period's end; the reminder shows within `reminderDays`; after the end a grace period, then the
 * account returns to free (retention clock started). Not renewing (cancel) ends the plan at the period's end.
 */
import { describe, expect, it } from "vitest";
import { EPS_PERIOD } from "../src/catalog/billing-catalog.ts";
import { epsPlanPeriods } from "../src/services/billing/eps/eps-jobs.ts";
import { epsRenewalDue, setEpsRenewal } from "../src/services/billing/eps/eps-plan-period.ts";
import { seedDashboardUser, type DashboardUser } from "./support/dashboard.ts";
import {
  account,
  epsCheckout,
  epsSubscriptions,
  ledgerRows,
  paymentRow,
  payOnPage,
  postIpn,
  simIpnBody,
  testConfig,
} from "./support/eps.ts";
import { withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

async function buyPlan(user: DashboardUser, plan: "pro" | "team") {
  const checkout = await epsCheckout(user, "plan", plan);
  await payOnPage(checkout.url, "bkash", "pay");
  const ipn = await postIpn(await simIpnBody(checkout.merchantReference));
  expect(await ipn.json()).toMatchObject({ outcome: "granted" });
  return checkout;
}

function runPeriods(now: Date) {
  const config = testConfig();
  return withDatabase((db) => epsPlanPeriods({ config, db, redis: testRedis(), now }));
}

async function onlySubscription(userId: string) {
  const rows = await epsSubscriptions(userId);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  if (!row?.currentPeriodEnd) throw new Error("no period");
  return { ...row, currentPeriodEnd: row.currentPeriodEnd };
}

describe("EPS plan periods", () => {
  it("opens a period with the plan and its credit, renews from the period's end, reminds, holds in grace, then ends", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 0 });
    const before = Date.now();
    const first = await buyPlan(user, "pro");
    expect(await paymentRow(first.paymentId)).toMatchObject({
      purpose: "plan",
      amountMinor: 2_400_00,
      status: "succeeded",
    });
    expect((await ledgerRows(first.paymentId)).map((row) => [row.kind, row.amountMicroUsd])).toEqual([
      ["plan_credit", 20_000_000],
    ]);
    expect(await account(user.userId)).toMatchObject({ plan: "pro", balance: 20_000_000 });
    const opened = await onlySubscription(user.userId);
    expect(opened).toMatchObject({
      provider: "eps",
      plan: "pro",
      status: "active",
      externalId: first.merchantReference,
    });
    const firstEnd = opened.currentPeriodEnd.getTime();
    expect(firstEnd).toBeGreaterThanOrEqual(before + EPS_PERIOD.days * DAY_MS);
    expect(firstEnd).toBeLessThanOrEqual(Date.now() + EPS_PERIOD.days * DAY_MS);
    expect(epsRenewalDue(opened, new Date())).toBe(false);
    expect(epsRenewalDue(opened, new Date(firstEnd - (EPS_PERIOD.reminderDays + 1) * DAY_MS))).toBe(false);
    expect(epsRenewalDue(opened, new Date(firstEnd - (EPS_PERIOD.reminderDays - 1) * DAY_MS))).toBe(true);

    // Renewal: a new payment extends from the current end, on the same subscription.
    await buyPlan(user, "pro");
    const renewed = await onlySubscription(user.userId);
    expect(renewed.id).toBe(opened.id);
    const end = renewed.currentPeriodEnd.getTime();
    expect(end).toBe(firstEnd + EPS_PERIOD.days * DAY_MS);
    expect((await account(user.userId)).balance).toBe(40_000_000);

    // Nothing happens before the end.
    await runPeriods(new Date(end - DAY_MS));
    expect((await onlySubscription(user.userId)).status).toBe("active");
    // After the end: grace; the plan holds and the renewal is due.
    await runPeriods(new Date(end + DAY_MS));
    const inGrace = await onlySubscription(user.userId);
    expect(inGrace.status).toBe("past_due");
    expect(inGrace.graceUntil?.getTime()).toBe(end + EPS_PERIOD.graceDays * DAY_MS);
    expect(epsRenewalDue(inGrace, new Date(end + DAY_MS))).toBe(true);
    expect((await account(user.userId)).plan).toBe("pro");
    // After the grace: expired, free, retention clock started at the grace's end.
    await runPeriods(new Date(end + (EPS_PERIOD.graceDays + 1) * DAY_MS));
    const ended = await onlySubscription(user.userId);
    expect(ended.status).toBe("expired");
    expect(ended.cancelledAt?.getTime()).toBe(end + EPS_PERIOD.graceDays * DAY_MS);
    const after = await account(user.userId);
    expect(after.plan).toBe("free");
    expect(after.cancelledAt?.getTime()).toBe(end + EPS_PERIOD.graceDays * DAY_MS);
    expect(epsRenewalDue(ended, new Date(end + (EPS_PERIOD.graceDays + 1) * DAY_MS))).toBe(false);
  });

  it("cancel means no renewal: no reminder, and the plan ends at the period's end without grace", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 0 });
    await buyPlan(user, "team");
    expect((await account(user.userId)).plan).toBe("team");
    const cancelled = await withDatabase((db) => setEpsRenewal(db, user.userId, true));
    expect(cancelled?.cancelAtPeriodEnd).toBe(true);
    const { currentPeriodEnd } = await onlySubscription(user.userId);
    const end = currentPeriodEnd.getTime();
    expect(epsRenewalDue(await onlySubscription(user.userId), new Date(end - DAY_MS))).toBe(false);
    await runPeriods(new Date(end + 60 * 1000));
    const ended = await onlySubscription(user.userId);
    expect(ended.status).toBe("expired");
    expect(ended.cancelledAt?.getTime()).toBe(end);
    expect((await account(user.userId)).plan).toBe("free");
  });

  it("a payment for another plan ends the current period at once and opens the new plan's", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 0 });
    const pro = await buyPlan(user, "pro");
    const team = await buyPlan(user, "team");
    const rows = await epsSubscriptions(user.userId);
    expect(rows.map((row) => [row.externalId, row.plan, row.status]).sort()).toEqual(
      [
        [pro.merchantReference, "pro", "canceled"],
        [team.merchantReference, "team", "active"],
      ].sort(),
    );
    expect(rows.find((row) => row.plan === "pro")?.cancelledAt).not.toBeNull();
    expect(await account(user.userId)).toMatchObject({ plan: "team", balance: 120_000_000 });
  });
});
