/**
 * The dashboard API's contract for the caller's account (`/api/account`, routes/api/profile.ts and account.ts): the
 * profile it answers, the changes it accepts, and the age confirmation of policy 7. Name, email and phone are
 * Clerk's (a new email or phone waits for verification there); the prompt cache and jurisdictions are ours.
 * zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";
import { jurisdictionSchema } from "./dashboard-api.ts";
import { hasAnyField, jurisdictionListSchema } from "./request-fields.ts";

const isoDateTime = z.iso.datetime({ offset: true });
const positiveInt = z.number().int().positive();

/** The plan's fair-use limits (policy 2); a key may lower them. */
export const planLimitsSchema = z.object({
  requestsPerMinute: positiveInt,
  tokensPerMinute: positiveInt,
  concurrentRequests: positiveInt,
});

/** `GET /api/account` (and `POST /api/account/confirm-age`): the profile. */
export const accountSchema = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  plan: z.string(),
  planLimits: planLimitsSchema,
  /** Prepaid credit left, integer micro-USD (the posted balance minus usage not yet posted). */
  balanceMicroUsd: z.number().int(),
  /** Billing state; `none` until subscriptions are wired. */
  paymentStatus: z.enum(["none"]),
  promptCacheEnabled: z.boolean(),
  /** Where this account's prompts may be processed; null = everywhere the catalog routes (policy 8). */
  allowedJurisdictions: z.array(jurisdictionSchema).nullable(),
  /** When the user confirmed being 13 or older (policy 7); null until then. */
  ageConfirmedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});

/** `PATCH /api/account` body: at least one field. */
export const profileUpdateSchema = z
  .strictObject({
    name: z.string().trim().max(200, "must be at most 200 characters").optional(),
    email: z.email("must be an email address").max(254).optional(),
    /** E.164, e.g. "+8801712345678". */
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "must be in international format, e.g. +8801712345678")
      .optional(),
    promptCacheEnabled: z.boolean().optional(),
    allowedJurisdictions: jurisdictionListSchema.optional(),
  })
  .refine(hasAnyField, "send at least one field to change");

/** `PATCH /api/account` answer: the profile, and what Clerk still waits for the user to verify (null: nothing). */
export const updatedProfileSchema = accountSchema.extend({
  pendingVerification: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
});

/** `POST /api/account/confirm-age` body (policy 7). */
export const confirmAgeInputSchema = z.strictObject({
  confirmed13OrOlder: z.literal(true, "must be true: omnizen is for users 13 and older"),
});

export type PlanLimits = z.infer<typeof planLimitsSchema>;
export type Account = z.infer<typeof accountSchema>;
export type ProfileUpdate = z.input<typeof profileUpdateSchema>;
export type UpdatedProfile = z.infer<typeof updatedProfileSchema>;
export type ConfirmAgeInput = z.input<typeof confirmAgeInputSchema>;
