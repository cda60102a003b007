import { describe, expect, it } from "vitest";
import {
  dateToUtcInstant,
  parseUsdToMicroUsd,
  validateFutureDate,
  validateUsdAmount,
  KEY_NAME_MAX,
  parseLimit,
  validateDeleteConfirmation,
  validateEmail,
  validateJurisdictions,
  validateLimit,
  validatePhone,
  validateRequiredText,
} from "./validation";

describe("form validation", () => {
  it("names: required, trimmed, bounded", () => {
    expect(validateRequiredText("", KEY_NAME_MAX)).toBe("required");
    expect(validateRequiredText("   ", KEY_NAME_MAX)).toBe("required");
    expect(validateRequiredText(" production ", KEY_NAME_MAX)).toBeNull();
    expect(validateRequiredText("x".repeat(KEY_NAME_MAX + 1), KEY_NAME_MAX)).toBe("tooLong");
  });

  it("email addresses", () => {
    expect(validateEmail("")).toBe("required");
    expect(validateEmail("name@example.com")).toBeNull();
    expect(validateEmail("  name@example.com ")).toBeNull();
    for (const bad of ["name", "name@", "@example.com", "name@example", "a b@example.com"]) {
      expect(validateEmail(bad)).toBe("email");
    }
  });

  it("phone numbers in E.164, or none", () => {
    expect(validatePhone("")).toBeNull();
    expect(validatePhone("+8801712345678")).toBeNull();
    expect(validatePhone("+14155550123")).toBeNull();
    for (const bad of ["01712345678", "+0123456789", "+88017-1234-5678", "+1234", "+1234567890123456"]) {
      expect(validatePhone(bad)).toBe("phone");
    }
  });

  it("per-key limits: empty for the plan's, otherwise a whole number from 1", () => {
    expect(validateLimit("")).toBeNull();
    expect(validateLimit("60")).toBeNull();
    for (const bad of ["0", "-1", "1.5", "abc", "1e3", "99999999999"])
      expect(validateLimit(bad)).toBe("positiveInteger");
    expect(parseLimit(" ")).toBeNull();
    expect(parseLimit("120")).toBe(120);
  });

  it("jurisdictions: restricting to none is refused", () => {
    expect(validateJurisdictions(false, [])).toBeNull();
    expect(validateJurisdictions(true, [])).toBe("jurisdictionsEmpty");
    expect(validateJurisdictions(true, ["EU"])).toBeNull();
  });

  it("account deletion needs the primary email, case and spaces aside", () => {
    expect(validateDeleteConfirmation("", "me@example.com")).toBe("required");
    expect(validateDeleteConfirmation("other@example.com", "me@example.com")).toBe("confirmMismatch");
    expect(validateDeleteConfirmation(" Me@Example.com ", "me@example.com")).toBeNull();
    expect(validateDeleteConfirmation("me@example.com", null)).toBe("confirmMismatch");
  });
});

describe("key spend limit and expiry", () => {
  it("reads dollars exactly as micro-USD, refusing what the API would refuse", () => {
    expect(parseUsdToMicroUsd("5")).toBe(5_000_000);
    expect(parseUsdToMicroUsd(" 2.5 ")).toBe(2_500_000);
    expect(parseUsdToMicroUsd("0.000001")).toBe(1);
    expect(parseUsdToMicroUsd("0.1")).toBe(100_000);
    expect(parseUsdToMicroUsd("1.0000001")).toBeNull();
    expect(parseUsdToMicroUsd("1e3")).toBeNull();
    expect(parseUsdToMicroUsd("-1")).toBeNull();
    expect(validateUsdAmount("")).toBeNull();
    expect(validateUsdAmount("0")).toBe("usdAmount");
    expect(validateUsdAmount("1000000")).toBeNull();
    expect(validateUsdAmount("1000000.01")).toBe("usdAmount");
    expect(validateUsdAmount("five")).toBe("usdAmount");
  });

  it("takes an expiry date after today (00:00 UTC that day), or none", () => {
    const now = Date.parse("2026-12-06T10:00:00Z");
    expect(validateFutureDate("", now)).toBeNull();
    expect(validateFutureDate("2026-12-07", now)).toBeNull();
    expect(validateFutureDate("2026-12-06", now)).toBe("futureDate");
    expect(validateFutureDate("2026-02-30", now)).toBe("futureDate");
    expect(dateToUtcInstant("2027-01-31")).toBe("2027-01-31T00:00:00.000Z");
    expect(dateToUtcInstant("31/01/2027")).toBeNull();
  });
});
