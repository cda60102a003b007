/**
 * Form validation as the user types. Each validator returns null (valid) or an error code that the form shows
 * through its messages (components/ui/messages.ts `validation.*`).
 */
export type ValidationError =
  | "required"
  | "tooLong"
  | "email"
  | "phone"
  | "positiveInteger"
  | "jurisdictionsEmpty"
  | "confirmMismatch"
  | "usdAmount"
  | "futureDate";

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

/** The largest spend limit a key may carry (the API's bound): 1,000,000 USD. */
export const SPEND_LIMIT_MAX_USD = 1_000_000;

/** A key's spend limit in US dollars: empty (none), or above zero with at most 6 decimals, up to the maximum. */
export function validateUsdAmount(value: string): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const microUsd = parseUsdToMicroUsd(trimmed);
  return microUsd !== null && microUsd >= 1 && microUsd <= SPEND_LIMIT_MAX_USD * 1_000_000 ? null : "usdAmount";
}

/** "5", "5.5", "0.000001" as integer micro-USD, exactly (string arithmetic, no float); null when not such a number. */
export function parseUsdToMicroUsd(value: string): number | null {
  const match = /^(\d{1,7})(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? "").padEnd(6, "0"));
}

/** An expiry date ("YYYY-MM-DD", the key stops at 00:00 UTC that day): empty (never), or after today in UTC. */
export function validateFutureDate(value: string, now = Date.now()): ValidationError | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const instant = dateToUtcInstant(trimmed);
  return instant !== null && Date.parse(instant) > now ? null : "futureDate";
}

/** "2027-01-31" as "2027-01-31T00:00:00.000Z"; null when not a real calendar date. */
export function dateToUtcInstant(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date.toISOString();
}
