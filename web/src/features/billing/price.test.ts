import { describe, expect, it } from "vitest";
import { formatPrice, parseUsdInput, usdInputValue } from "./price";

describe("formatPrice", () => {
  it("formats cents and paisa exactly, in both languages", () => {
    expect(formatPrice(20_00, "usd", "en")).toBe("$20.00");
    expect(formatPrice(2_400_00, "bdt", "en")).toBe("৳2,400.00");
    expect(formatPrice(5, "usd", "en")).toBe("$0.05");
    expect(formatPrice(0, "bdt", "en")).toBe("৳0.00");
    const bangla = formatPrice(12_000_00, "bdt", "bn");
    expect(bangla).toContain("৳");
    expect(bangla).toMatch(/১২,০০০\.০০/);
    expect(bangla).not.toMatch(/[A-Za-z]/);
    expect(formatPrice(1_00, "usd", "bn")).not.toMatch(/[A-Za-z]/);
  });

  it("refuses a fraction of a minor unit", () => {
    expect(() => formatPrice(1.5, "usd", "en")).toThrow(RangeError);
  });
});

describe("parseUsdInput", () => {
  it("reads dollars with up to two decimals, Bangla digits, a dollar sign and thousands separators", () => {
    expect(parseUsdInput("5")).toBe(5_000_000);
    expect(parseUsdInput(" 7.5 ")).toBe(7_500_000);
    expect(parseUsdInput("7.05")).toBe(7_050_000);
    expect(parseUsdInput("৭.৫০")).toBe(7_500_000);
    expect(parseUsdInput("$1,000")).toBe(1_000_000_000);
  });

  it("refuses anything else", () => {
    for (const text of ["", "abc", "-1", "1.005", "1e3", "0x10", "1.2.3", "."])
      expect(parseUsdInput(text), text).toBeNull();
  });

  it("round-trips what it shows", () => {
    for (const microUsd of [1_000_000, 7_500_000, 7_050_000, 100_000_000]) {
      expect(parseUsdInput(usdInputValue(microUsd))).toBe(microUsd);
    }
    expect(usdInputValue(5_000_000)).toBe("5");
  });
});
