/**
 * The dashboard API's contract for API keys (`/api/keys`, routes/api/keys.ts): the bodies the worker accepts and the
 * key it answers. A key never carries its secret or hash, except the one answer to its creation (`secret`).
 * zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";
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

/** Calendar periods (UTC) of a key's spend limit; `none` never resets (lib/spend-period.ts has the buckets). */
export const spendPeriodSchema = z.enum(["daily", "weekly", "monthly", "none"]);

/** The largest spend limit a key may carry: 1,000,000 USD per period, in micro-USD. */
export const KEY_SPEND_LIMIT_MAX_MICRO_USD = 1_000_000_000_000;

/** A key's spend limit in a request (micro-USD per calendar period in UTC), or null for none. */
export const keySpendLimitInputSchema = z
  .strictObject({
    amountMicroUsd: z
      .number()
      .int("must be a whole number of micro-USD")
      .positive("must be above zero (send null for no limit)")
      .max(KEY_SPEND_LIMIT_MAX_MICRO_USD, "must be at most 1,000,000 USD"),
    period: z.enum(spendPeriodSchema.options, "must be one of daily, weekly, monthly, none"),
  })
  .nullable();

/** The latest expiry a key may be given, from now. */
export const KEY_EXPIRY_MAX_DAYS = 3 * 366;

/** When a key stops working: an ISO 8601 instant in the future (at most KEY_EXPIRY_MAX_DAYS away), or null. */
export const keyExpiryInputSchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z" })
  .refine((value) => Date.parse(value) > Date.now(), "must be in the future")
  .refine(
    (value) => Date.parse(value) <= Date.now() + KEY_EXPIRY_MAX_DAYS * 86_400_000,
    `must be at most ${KEY_EXPIRY_MAX_DAYS} days from now`,
  )
  .transform((value) => new Date(value))
  .nullable();

/** The most aliases one key may carry. */
export const MAX_MODEL_ALIASES = 32;

/**
 * An alias id as clients send it in `model`: starts with a letter or digit, then letters, digits, `.`, `_`, `-`, `:`
 * (no `/`, so an alias can never look like a catalog id), at most 64 characters. E.g. `claude-sonnet`.
 */
export const MODEL_ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ALIAS_ID_RULE = "alias ids are 1-64 letters, digits, '.', '_', '-', ':' (no '/')";

/**
 * A key's model aliases in a request: alias id -> catalog model id, replacing the key's whole map (`{}` clears it).
 * The worker also checks that each target is a catalog model and no alias is itself a catalog id.
 */
export const modelAliasesInputSchema = z
  .record(
    z.string().regex(MODEL_ALIAS_PATTERN, ALIAS_ID_RULE),
    z.string().min(1, "must name a catalog model").max(100, "must name a catalog model"),
    { error: (issue) => (issue.code === "invalid_key" ? ALIAS_ID_RULE : undefined) },
  )
  .refine((aliases) => Object.keys(aliases).length <= MAX_MODEL_ALIASES, `at most ${MAX_MODEL_ALIASES} aliases`);

/** `POST /api/keys` body. */
export const createKeyInputSchema = z.strictObject({
  name: keyNameSchema,
  limits: keyLimitsInputSchema.optional(),
  allowedJurisdictions: jurisdictionListSchema.optional(),
  spendLimit: keySpendLimitInputSchema.optional(),
  expiresAt: keyExpiryInputSchema.optional(),
  modelAliases: modelAliasesInputSchema.optional(),
});

/** `PATCH /api/keys/:id` body: at least one field. */
export const updateKeyInputSchema = z
  .strictObject({
    name: keyNameSchema.optional(),
    limits: keyLimitsInputSchema.optional(),
    allowedJurisdictions: jurisdictionListSchema.optional(),
    spendLimit: keySpendLimitInputSchema.optional(),
    expiresAt: keyExpiryInputSchema.optional(),
    modelAliases: modelAliasesInputSchema.optional(),
  })
  .refine(hasAnyField, "send at least one of name, limits, allowedJurisdictions, spendLimit, expiresAt, modelAliases");

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
  /** At most this much spend per calendar period (UTC) through this key; null = only the account's credit. */
  spendLimit: z.object({ amountMicroUsd: z.number().int().positive(), period: spendPeriodSchema }).nullable(),
  /** After this instant the key is refused like a revoked one; null = never. */
  expiresAt: isoDateTime.nullable(),
  /** Model ids this key accepts in `model` besides the catalog's: alias -> catalog model id (`{}` = none). */
  modelAliases: z.record(z.string(), z.string()),
});

/** `GET /api/keys`: newest first, revoked ones included. */
export const apiKeyListSchema = z.object({ data: z.array(apiKeySchema) });

/** `POST /api/keys` answer (201): the only time the full secret is sent. */
export const createdApiKeySchema = apiKeySchema.extend({ secret: z.string().startsWith("sk-omni-") });

export type KeyLimitsInput = z.input<typeof keyLimitsInputSchema>;
export type CreateKeyInput = z.input<typeof createKeyInputSchema>;
export type UpdateKeyInput = z.input<typeof updateKeyInputSchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type ModelAliases = z.infer<typeof modelAliasesInputSchema>;
export type SpendPeriod = z.infer<typeof spendPeriodSchema>;
export type KeySpendLimit = NonNullable<z.infer<typeof apiKeySchema>["spendLimit"]>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
