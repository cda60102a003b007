import { describe, expect, it } from "vitest";
import {
  formatDateTime,
  formatDay,
  formatMicroUsd,
  formatMilliseconds,
  formatMoney,
  formatNumber,
  formatTokens,
} from "./format";

describe("formatMicroUsd", () => {
  it.each([
    [0, "$0.00"],
    [1_000_000, "$1.00"],
    [12_500_000, "$12.50"],
    [1_234_567_890, "$1,234.57"],
    [10_000, "$0.01"],
    [-500_000, "-$0.50"],
  ])("formats %i micro-USD as %s", (amount, expected) => {
    expect(formatMicroUsd(amount)).toBe(expected);
  });

  it("rounds half a cent away from zero, exactly", () => {
    // 1.005 and 2.675 are the classic floats that round down if converted through a double.
    expect(formatMicroUsd(1_005_000)).toBe("$1.01");
    expect(formatMicroUsd(2_675_000)).toBe("$2.68");
    expect(formatMicroUsd(1_004_999)).toBe("$1.00");
    expect(formatMicroUsd(-1_005_000)).toBe("-$1.01");
  });

  it("keeps sub-cent amounts visible instead of showing $0.00", () => {
    expect(formatMicroUsd(1)).toBe("$0.000001");
    expect(formatMicroUsd(42)).toBe("$0.000042");
    expect(formatMicroUsd(9_999)).toBe("$0.009999");
    expect(formatMicroUsd(1_500)).toBe("$0.0015");
    expect(formatMicroUsd(-42)).toBe("-$0.000042");
  });

  it("is exact for the largest safe integer", () => {
    expect(formatMicroUsd(Number.MAX_SAFE_INTEGER)).toBe("$9,007,199,254.74");
    expect(formatMicroUsd(9_007_199_253_999_999)).toBe("$9,007,199,254.00");
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("rejects %s", (amount) => {
    expect(() => formatMicroUsd(amount)).toThrow(RangeError);
  });
});

describe("formatMoney", () => {
  it("formats US dollars in English and in Bangla with Bengali digits", () => {
    expect(formatMoney(1_234_567_890, "en")).toBe("$1,234.57");
    const bangla = formatMoney(1_234_567_890, "bn");
    expect(bangla).toContain("১,২৩৪.৫৭");
    expect(bangla).toContain("$");
    expect(bangla).not.toMatch(/[0-9A-Za-z]/);
  });

  it("is exact: rounds half a cent away from zero and keeps sub-cent amounts", () => {
    expect(formatMoney(1_005_000, "en")).toBe("$1.01");
    expect(formatMoney(2_675_000, "en")).toBe("$2.68");
    expect(formatMoney(-1_005_000, "en")).toBe("-$1.01");
    expect(formatMoney(42, "en")).toBe("$0.000042");
    expect(formatMoney(0, "en")).toBe("$0.00");
  });

  it("keeps price precision when asked", () => {
    expect(formatMoney(75_000, "en")).toBe("$0.08");
    expect(formatMoney(75_000, "en", { precision: "price" })).toBe("$0.075");
    expect(formatMoney(10_000_000, "en", { precision: "price" })).toBe("$10.00");
  });

  it("converts to taka at the configured rate, exactly", () => {
    expect(formatMoney(1_500_000, "en", { currency: "BDT", bdtPerUsd: 122 })).toBe("৳183.00");
    // 0.000042 USD x 121.5 = 0.005103 BDT: below a poisha, so the digits stay.
    expect(formatMoney(42, "en", { currency: "BDT", bdtPerUsd: 121.5 })).toMatch(/0\.005103$/);
    // 1.005 x 100 = 100.5 exactly, rounded half up (a float multiply would give 100.49999...).
    expect(formatMoney(1_005, "en", { currency: "BDT", bdtPerUsd: 100, precision: "price" })).toMatch(/0\.1005$/);
    expect(formatMoney(1_000_050, "en", { currency: "BDT", bdtPerUsd: 100 })).toMatch(/100\.01$/);
    const bangla = formatMoney(1_500_000, "bn", { currency: "BDT", bdtPerUsd: 122 });
    expect(bangla).toContain("১৮৩.০০");
    expect(bangla).toContain("৳");
  });

  it("rejects a non-integer amount and a missing rate", () => {
    expect(() => formatMoney(1.5, "en")).toThrow(RangeError);
    expect(() => formatMoney(1, "en", { currency: "BDT" })).toThrow(RangeError);
    expect(() => formatMoney(1, "en", { currency: "BDT", bdtPerUsd: 0 })).toThrow(RangeError);
  });
});

describe("formatNumber and formatTokens", () => {
  it("groups digits for the locale", () => {
    expect(formatNumber(1_234_567, "en")).toBe("1,234,567");
    expect(formatNumber(1_234_567, "bn")).toBe("১২,৩৪,৫৬৭");
    expect(formatTokens(1_234_567, "en")).toBe("1,234,567");
    expect(formatTokens(9_999, "en", { compact: true })).toBe("9,999");
    expect(formatTokens(1_234_567, "en", { compact: true })).toBe("1.2M");
    expect(formatTokens(1_234_567, "bn", { compact: true })).not.toMatch(/[0-9]/);
  });

  it("formats latency in milliseconds", () => {
    expect(formatMilliseconds(1_234, "en")).toBe("1,234 ms");
    expect(formatMilliseconds(1_234, "bn")).toBe("১,২৩৪ মি.সে.");
  });
});

describe("formatDateTime and formatDay", () => {
  it("formats a moment in the given time zone", () => {
    expect(formatDateTime("2026-12-06T03:04:05.000Z", "en", { timeZone: "UTC" })).toBe("Dec 6, 2026, 3:04:05 AM");
    const bangla = formatDateTime("2026-12-06T03:04:05.000Z", "bn", { timeZone: "UTC" });
    expect(bangla).toContain("২০২৬");
    expect(bangla).toContain("০৩:০৪:০৫");
    expect(bangla).not.toMatch(/[0-9A-Za-z]/);
    expect(formatDateTime("not a date", "en")).toBe("not a date");
  });

  it("formats a UTC day, whatever the viewer's time zone", () => {
    expect(formatDay("2026-12-06", "en")).toBe("Dec 6, 2026");
    expect(formatDay("2026-12-06", "en", { style: "short" })).toBe("Dec 6");
    expect(formatDay("2026-01-01", "bn", { style: "short" })).toContain("১");
    expect(formatDay("garbage", "en")).toBe("garbage");
  });
});
