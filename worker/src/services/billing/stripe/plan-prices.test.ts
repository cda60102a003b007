import { describe, expect, it } from "vitest";
import { findPlanOffer } from "../../../catalog/billing-catalog.ts";
import { planLookupKey, planOfPrice } from "./plan-prices.ts";
import { invoiceCredit } from "./subscription-events.ts";

describe("planOfPrice", () => {
  it("reads the plan from the price's metadata, then its lookup key; free and unknown plans are none", () => {
    expect(planOfPrice({ metadata: { plan: "team" }, lookup_key: null })).toBe("team");
    expect(planOfPrice({ metadata: {}, lookup_key: "omnizen_pro_monthly_usd_2000" })).toBe("pro");
    expect(planOfPrice({ metadata: { plan: "team" }, lookup_key: "omnizen_pro_monthly_usd_2000" })).toBe("team");
    expect(planOfPrice({ metadata: { plan: "free" }, lookup_key: null })).toBeNull();
    expect(planOfPrice({ metadata: { product_id: "pro" }, lookup_key: "someone_else" })).toBeNull();
    expect(planOfPrice({ metadata: {}, lookup_key: "omnizen_internal_monthly_usd_0" })).toBeNull();
    expect(planOfPrice(undefined)).toBeNull();
  });

  it("puts the price in the lookup key, so a new catalog price is a new Stripe Price", () => {
    const team = findPlanOffer("team");
    if (!team) throw new Error("team plan missing");
    expect(planLookupKey(team)).toBe("omnizen_team_monthly_usd_10000");
    expect(planLookupKey({ ...team, monthlyPriceUsdCents: 120_00 })).toBe("omnizen_team_monthly_usd_12000");
  });
});

describe("invoiceCredit", () => {
  it("grants a month's credit for a new or renewed period, and the paid share of a plan change", () => {
    expect(invoiceCredit({ billing_reason: "subscription_create", amount_paid: 20_00 }, "pro")).toBe(20_000_000);
    // Paid partly from Stripe's customer balance: still the whole month.
    expect(invoiceCredit({ billing_reason: "subscription_cycle", amount_paid: 0 }, "pro")).toBe(20_000_000);
    // pro → team with half the period left: 40.00 USD paid, 40 USD of team credit.
    expect(invoiceCredit({ billing_reason: "subscription_update", amount_paid: 40_00 }, "team")).toBe(40_000_000);
    expect(invoiceCredit({ billing_reason: "subscription_update", amount_paid: 33 }, "team")).toBe(330_000);
    // A downgrade pays nothing and gets nothing; more than a month's price is capped at a month's credit.
    expect(invoiceCredit({ billing_reason: "subscription_update", amount_paid: 0 }, "pro")).toBe(0);
    expect(invoiceCredit({ billing_reason: "subscription_update", amount_paid: 500_00 }, "team")).toBe(100_000_000);
    expect(invoiceCredit({ billing_reason: "manual", amount_paid: 20_00 }, "pro")).toBe(0);
    expect(invoiceCredit({ billing_reason: "subscription_cycle", amount_paid: 20_00 }, null)).toBe(0);
  });
});
