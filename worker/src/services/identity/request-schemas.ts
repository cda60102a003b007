/**
 * zod schemas shared by the dashboard API's request bodies (keys and profile).
 */
import { z } from "zod";
import { JURISDICTIONS } from "../../catalog/types.ts";

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

export const keyNameSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

/** Whether a parsed PATCH body changes anything (at least one field present). */
export function hasAnyField(body: Record<string, unknown>): boolean {
  return Object.values(body).some((value) => value !== undefined);
}
