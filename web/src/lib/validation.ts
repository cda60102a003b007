/**
 * Form validation as the user types. Each validator returns null (valid) or an error code that the form shows
 * through its messages (components/ui/messages.ts `validation.*`).
 */
export type ValidationError =
  "required" | "tooLong" | "email" | "phone" | "positiveInteger" | "jurisdictionsEmpty" | "confirmMismatch";

export const KEY_NAME_MAX = 100;
export const PROFILE_NAME_MAX = 200;
export const LIMIT_MAX = 1_000_000_000;

export function validateRequiredText(value: string, max: number): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return "required";
  if (trimmed.length > max) return "tooLong";
  return null;
}

export function validateEmail(value: string): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return "required";
  if (trimmed.length > 254) return "tooLong";
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? null : "email";
}

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all. Empty is allowed (no phone). */
export function validatePhone(value: string): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  return /^\+[1-9]\d{6,14}$/.test(trimmed) ? null : "phone";
}

/** A per-key limit: empty (the plan's) or a whole number from 1. */
export function validateLimit(value: string): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (!/^\d+$/.test(trimmed)) return "positiveInteger";
  const number = Number(trimmed);
  return number >= 1 && number <= LIMIT_MAX ? null : "positiveInteger";
}

/** The parsed limit: null for empty (the plan's). Call after `validateLimit` passed. */
export function parseLimit(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : Number(trimmed);
}

/** Restricting jurisdictions to none would refuse every request. */
export function validateJurisdictions(restricted: boolean, selected: readonly string[]): ValidationError | null {
  return restricted && selected.length === 0 ? "jurisdictionsEmpty" : null;
}

/** The account deletion confirmation: the primary email, compared without case or surrounding space. */
export function validateDeleteConfirmation(typed: string, email: string | null): ValidationError | null {
  if (typed.trim() === "") return "required";
  return email !== null && typed.trim().toLowerCase() === email.trim().toLowerCase() ? null : "confirmMismatch";
}
