import { describe, expect, it } from "vitest";
import { formatMicroUsd } from "./format";

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
