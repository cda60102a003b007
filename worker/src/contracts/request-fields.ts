/**
 * Request-body pieces shared by the dashboard API's contracts (keys, account): the body size limit, the jurisdiction
 * allow-list, and the "change at least one field" rule of a PATCH. zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";
import { jurisdictionSchema } from "./dashboard-api.ts";

/** Dashboard request bodies are small JSON objects: larger ones are a 413. */
export const DASHBOARD_BODY_MAX_BYTES = 16 * 1024;

/** A non-empty allow-list of jurisdictions (duplicates removed), or null for "no restriction". */
export const jurisdictionListSchema = z
  .array(jurisdictionSchema)
  .min(1, "list at least one jurisdiction, or send null for no restriction")
  .transform((list) => [...new Set(list)])
  .nullable();

/** Whether a parsed PATCH body changes anything (at least one field present). */
export function hasAnyField(body: Record<string, unknown>): boolean {
  return Object.values(body).some((value) => value !== undefined);
}
