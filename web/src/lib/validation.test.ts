import { describe, expect, it } from "vitest";
import {
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
