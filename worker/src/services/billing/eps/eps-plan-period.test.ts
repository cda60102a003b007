import { describe, expect, it } from "vitest";
import type { Subscription } from "../../../../../db/schema.ts";
import { EPS_PERIOD } from "../../../catalog/billing-catalog.ts";
import { epsPlanEndsAt, epsRenewalDue } from "./eps-plan-period.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const END = new Date("2026-12-31T00:00:00.000Z");

const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: "00000000-0000-4000-8000-000000000001",
  userId: "00000000-0000-4000-8000-000000000002",
  plan: "pro",
  provider: "eps",
  externalId: "OZ0123456789",
  status: "active",
  currentPeriodEnd: END,
  cancelAtPeriodEnd: false,
  cancelledAt: null,
  graceUntil: null,
  createdAt: new Date(END.getTime() - EPS_PERIOD.days * DAY_MS),
  updatedAt: new Date(END.getTime() - EPS_PERIOD.days * DAY_MS),
  ...overrides,
});

describe("EPS plan period", () => {
  it("is due for renewal from reminderDays before the end, through the grace period", () => {
    const at = (offsetDays: number) => new Date(END.getTime() + offsetDays * DAY_MS);
    expect(epsRenewalDue(subscription(), at(-EPS_PERIOD.reminderDays - 0.01))).toBe(false);
    expect(epsRenewalDue(subscription(), at(-EPS_PERIOD.reminderDays))).toBe(true);
    expect(epsRenewalDue(subscription({ status: "past_due" }), at(1))).toBe(true);
    expect(epsRenewalDue(subscription({ status: "expired" }), at(1))).toBe(false);
    expect(epsRenewalDue(subscription({ cancelAtPeriodEnd: true }), at(-1))).toBe(false);
    expect(epsRenewalDue(subscription({ provider: "stripe" }), at(-1))).toBe(false);
  });

  it("holds until the grace period's end, or the period's end when not renewing on purpose", () => {
    expect(epsPlanEndsAt(subscription())?.getTime()).toBe(END.getTime() + EPS_PERIOD.graceDays * DAY_MS);
    expect(epsPlanEndsAt(subscription({ cancelAtPeriodEnd: true }))?.getTime()).toBe(END.getTime());
    expect(epsPlanEndsAt(subscription({ currentPeriodEnd: null }))).toBeNull();
  });
});
