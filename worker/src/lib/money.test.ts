import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bdtDecimalToPaisa, centsToMicroUsd, microUsdToCents, paisaToBdtDecimal, proportionalCredit } from "./money.ts";

describe("money conversions", () => {
  it("converts cents and micro-USD exactly, refusing a fraction of a cent", () => {
    expect(centsToMicroUsd(2000)).toBe(20_000_000);
    expect(microUsdToCents(20_000_000)).toBe(2000);
    expect(() => microUsdToCents(20_000_001)).toThrow(RangeError);
    expect(() => centsToMicroUsd(0.5)).toThrow(RangeError);
  });

  it("writes paisa as EPS's decimal amount and reads it back", () => {
    expect(paisaToBdtDecimal(240000)).toBe("2400.00");
    expect(paisaToBdtDecimal(10050)).toBe("100.50");
    expect(paisaToBdtDecimal(5)).toBe("0.05");
    expect(bdtDecimalToPaisa("100.5")).toBe(10050);
    expect(bdtDecimalToPaisa(100.5)).toBe(10050);
    expect(bdtDecimalToPaisa("2400")).toBe(240000);
    for (const bad of ["", "1.234", "-1", "1e3", "abc", null, undefined, {}, "1,000"]) {
      expect(bdtDecimalToPaisa(bad)).toBeNull();
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (paisa) => {
        expect(bdtDecimalToPaisa(paisaToBdtDecimal(paisa))).toBe(paisa);
      }),
    );
  });

  it("claws back credit in proportion, never more than granted", () => {
    expect(proportionalCredit(10_000_000, 500, 1000)).toBe(5_000_000);
    expect(proportionalCredit(10_000_000, 1000, 1000)).toBe(10_000_000);
    expect(proportionalCredit(10_000_000, 2000, 1000)).toBe(10_000_000);
    expect(proportionalCredit(10_000_000, 1, 3)).toBe(3_333_333);
    expect(proportionalCredit(10_000_000, 0, 0)).toBe(0);
  });
});
