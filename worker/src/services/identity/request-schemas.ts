/**
 * zod schemas shared by the dashboard API's request bodies (keys and profile).
 */
import { z } from "zod";
import { JURISDICTIONS } from "../../catalog/types.ts";
import { SPEND_PERIODS } from "../../lib/spend-period.ts";

/** Dashboard request bodies are small JSON objects. */
export const DASHBOARD_BODY_MAX_BYTES = 16 * 1024;

/** A non-empty allow-list of jurisdictions (duplicates removed), or null for "no restriction". */
export const jurisdictionListSchema = z
  .array(z.enum(JURISDICTIONS))
  .min(1, "list at least one jurisdiction, or send null for no restriction")
  .transform((list) => [...new Set(list)])
  .nullable();

/** One fair-use limit of a key: a positive integer, or null for the plan's. */
const keyLimitSchema = z.number().int().positive().max(1_000_000_000).nullable().optional();

export const keyLimitsSchema = z.strictObject({
  requestsPerMinute: keyLimitSchema,
  tokensPerMinute: keyLimitSchema,
  concurrentRequests: keyLimitSchema,
});

/** The largest spend limit a key may carry: 1,000,000 USD per period, in micro-USD. */
export const KEY_SPEND_LIMIT_MAX_MICRO_USD = 1_000_000_000_000;

/** A key's spend limit (micro-USD per calendar period in UTC), or null for none. */
export const keySpendLimitSchema = z
  .strictObject({
    amountMicroUsd: z
      .number()
      .int("must be a whole number of micro-USD")
      .positive("must be above zero (send null for no limit)")
      .max(KEY_SPEND_LIMIT_MAX_MICRO_USD, "must be at most 1,000,000 USD"),
    period: z.enum(SPEND_PERIODS, "must be one of daily, weekly, monthly, none"),
  })
  .nullable();

/** The latest expiry a key may be given, from now. */
export const KEY_EXPIRY_MAX_DAYS = 3 * 366;

/** When a key stops working: an ISO 8601 instant in the future (at most KEY_EXPIRY_MAX_DAYS away), or null. */
export const keyExpirySchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z" })
  .refine((value) => Date.parse(value) > Date.now(), "must be in the future")
  .refine(
    (value) => Date.parse(value) <= Date.now() + KEY_EXPIRY_MAX_DAYS * 86_400_000,
    `must be at most ${KEY_EXPIRY_MAX_DAYS} days from now`,
  )
  .transform((value) => new Date(value))
  .nullable();

export const keyNameSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

/** Whether a parsed PATCH body changes anything (at least one field present). */
export function hasAnyField(body: Record<string, unknown>): boolean {
  return Object.values(body).some((value) => value !== undefined);
}
