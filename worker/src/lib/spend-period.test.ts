import { describe, expect, it } from "vitest";
import { describeSpendLimit, periodEnd, periodStart, spendBucket, spendPeriodOfCode } from "./spend-period.ts";

const at = (iso: string) => Date.parse(iso);

describe("spend periods (calendar, UTC)", () => {
  it("names each period's bucket and finds its start and end", () => {
    // Sunday 6 December 2026, late evening UTC (Monday already in Dhaka: the periods are UTC, not local).
    const now = at("2026-12-06T23:30:00Z");
    expect(spendBucket("daily", now)).toBe("d2026-12-06");
    expect(spendBucket("weekly", now)).toBe("w2026-11-30");
    expect(spendBucket("monthly", now)).toBe("m2026-12");
    expect(spendBucket("none", now)).toBe("all");
    expect(periodEnd("daily", now)?.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(periodEnd("weekly", now)?.toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(periodEnd("monthly", now)?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(periodStart("none", now)).toBeNull();
    expect(periodEnd("none", now)).toBeNull();
  });

  it("rolls over at midnight UTC, on Mondays and on the 1st, and across a year", () => {
    const before = at("2026-12-31T23:59:59.999Z");
    const after = before + 1;
    expect(spendBucket("daily", before)).not.toBe(spendBucket("daily", after));
    expect(spendBucket("monthly", before)).toBe("m2026-12");
    expect(spendBucket("monthly", after)).toBe("m2027-01");
    // Thursday 31 December and Friday 1 January share a week.
    expect(spendBucket("weekly", before)).toBe(spendBucket("weekly", after));
    expect(spendBucket("weekly", at("2027-01-03T23:59:59Z"))).toBe("w2026-12-28");
    expect(spendBucket("weekly", at("2027-01-04T00:00:00Z"))).toBe("w2027-01-04");
    expect(periodStart("monthly", at("2028-02-29T12:00:00Z"))?.toISOString()).toBe("2028-02-01T00:00:00.000Z");
    expect(periodEnd("monthly", at("2028-02-29T12:00:00Z"))?.toISOString()).toBe("2028-03-01T00:00:00.000Z");
  });
});

describe("describeSpendLimit", () => {
  it("shows dollars to the cent, and smaller limits exactly", () => {
    expect(describeSpendLimit(5_000_000, "daily")).toBe("5.00 USD per day");
    expect(describeSpendLimit(123_450_000, "monthly")).toBe("123.45 USD per month");
    expect(describeSpendLimit(1_500, "weekly")).toBe("0.0015 USD per week");
    expect(describeSpendLimit(20_000_000, "none")).toBe("20.00 USD in all");
    expect(spendPeriodOfCode("w")).toBe("weekly");
    expect(spendPeriodOfCode("")).toBeNull();
  });
});
