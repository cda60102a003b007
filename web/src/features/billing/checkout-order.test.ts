import { describe, expect, it } from "vitest";
import { orderedProviders } from "./checkout-order";

describe("orderedProviders", () => {
  it("puts EPS first for Bangla or a +880 phone, Stripe first otherwise", () => {
    expect(orderedProviders("bn", null)).toEqual(["eps", "stripe"]);
    expect(orderedProviders("en", "+8801712345678")).toEqual(["eps", "stripe"]);
    expect(orderedProviders("en", "+880 1712-345678")).toEqual(["eps", "stripe"]);
    expect(orderedProviders("en", "+14155550100")).toEqual(["stripe", "eps"]);
    expect(orderedProviders("en", null)).toEqual(["stripe", "eps"]);
  });

  it("leaves out what the deployment has not configured", () => {
    expect(orderedProviders("bn", null, { stripe: true, eps: false })).toEqual(["stripe"]);
    expect(orderedProviders("en", null, { stripe: false, eps: false })).toEqual([]);
  });
});
