/**
 * The dashboard API's contract for API keys (`/api/keys`, routes/api/keys.ts): the bodies the worker accepts and the
 * key it answers. A key never carries its secret or hash, except the one answer to its creation (`secret`).
 * zod only (contracts/dashboard-api.ts explains why).
 */
import { z } from "zod";
import { jurisdictionSchema } from "./dashboard-api.ts";
import { hasAnyField, jurisdictionListSchema } from "./request-fields.ts";

const isoDateTime = z.iso.datetime({ offset: true });

/** One fair-use limit of a key in a request: a positive integer, or null for the plan's; absent leaves it as it is. */
const keyLimitInputSchema = z.number().int().positive().max(1_000_000_000).nullable().optional();

export const keyLimitsInputSchema = z.strictObject({
  requestsPerMinute: keyLimitInputSchema,
  tokensPerMinute: keyLimitInputSchema,
  concurrentRequests: keyLimitInputSchema,
});

export const keyNameSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

/** `POST /api/keys` body. */
export const createKeyInputSchema = z.strictObject({
  name: keyNameSchema,
  limits: keyLimitsInputSchema.optional(),
  allowedJurisdictions: jurisdictionListSchema.optional(),
});

/** `PATCH /api/keys/:id` body: at least one field. */
export const updateKeyInputSchema = z
  .strictObject({
    name: keyNameSchema.optional(),
    limits: keyLimitsInputSchema.optional(),
    allowedJurisdictions: jurisdictionListSchema.optional(),
  })
  .refine(hasAnyField, "send at least one of name, limits, allowedJurisdictions");

/** A key's own fair-use limits; null = the plan's. They can only lower the plan's. */
export const keyLimitsSchema = z.object({
  requestsPerMinute: z.number().int().positive().nullable(),
  tokensPerMinute: z.number().int().positive().nullable(),
  concurrentRequests: z.number().int().positive().nullable(),
});

/** An API key as listed (and as `PATCH` and `DELETE /api/keys/:id` answer it). Never the secret or its hash. */
export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** First characters of the secret, to recognise the key, e.g. "sk-omni-4f9a". */
  prefix: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  /** Set once revoked (`DELETE /api/keys/:id`). */
  revokedAt: isoDateTime.nullable(),
  limits: keyLimitsSchema,
  /** Narrows the account's jurisdictions for this key; null = the account's. */
  allowedJurisdictions: z.array(jurisdictionSchema).nullable(),
});

/** `GET /api/keys`: newest first, revoked ones included. */
export const apiKeyListSchema = z.object({ data: z.array(apiKeySchema) });

/** `POST /api/keys` answer (201): the only time the full secret is sent. */
export const createdApiKeySchema = apiKeySchema.extend({ secret: z.string().startsWith("sk-omni-") });

export type KeyLimitsInput = z.input<typeof keyLimitsInputSchema>;
export type CreateKeyInput = z.input<typeof createKeyInputSchema>;
export type UpdateKeyInput = z.input<typeof updateKeyInputSchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
