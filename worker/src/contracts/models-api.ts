/**
 * The public model list's contract (`GET /v1/models`, routes/models.ts): OpenAI's list shape, each entry also carrying
 * its name, context length, capabilities, prices (USD per 1M tokens, as decimal strings) and where its routes process
 * data; embedding models are marked `kind: "embedding"` (context length = tokens per input; output price 0). zod only
 * (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";
import { jurisdictionSchema } from "./dashboard-api.ts";

/** A price in USD per 1M tokens, as a decimal string (no float noise). */
const usdPerMillion = z.string().regex(/^\d+(\.\d+)?(e-\d+)?$/);

const ratesSchema = z.object({
  input: usdPerMillion,
  cached_input: usdPerMillion,
  /** Only where the provider prices cache writes apart. */
  cache_write: usdPerMillion.optional(),
  cache_write_1h: usdPerMillion.optional(),
  output: usdPerMillion,
});

export const publicModelSchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  /** Unix time in seconds. */
  created: z.number().int(),
  owned_by: z.string(),
  name: z.string(),
  context_length: z.number().int().positive(),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), reasoning: z.boolean() }),
  pricing: ratesSchema.extend({
    unit: z.literal("USD per 1M tokens"),
    long_context: ratesSchema.extend({ above_input_tokens: z.number().int().positive() }).optional(),
    off_peak: ratesSchema
      .extend({
        outside_peak: z.object({
          utc_offset_minutes: z.number().int(),
          iso_weekdays: z.array(z.number().int().min(1).max(7)),
          /** "HH:MM-HH:MM" in the schedule's offset. */
          windows: z.array(z.string().regex(/^\d\d:\d\d-\d\d:\d\d$/)),
          holidays: z.array(z.string()),
        }),
      })
      .optional(),
    version: z.string(),
  }),
  jurisdictions: z.array(jurisdictionSchema),
  routes: z.array(z.object({ provider: z.string(), jurisdiction: jurisdictionSchema, endpoint: z.string() })),
  /** Only on embedding models (`POST /v1/embeddings`; chat endpoints refuse them): absent = a chat model. */
  kind: z.literal("embedding").optional(),
  /** Embedding models: the vector length by default, the `dimensions` offered, inputs per request, token arrays. */
  embedding: z
    .object({
      default_dimensions: z.number().int().positive(),
      dimensions: z.union([
        z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
        z.array(z.number().int().positive()),
      ]),
      max_inputs: z.number().int().positive(),
      token_arrays: z.boolean(),
    })
    .optional(),
  /** On an entry for one of the caller's key aliases: the catalog model it names (the rest describes that model). */
  alias_of: z.string().optional(),
});

/** `GET /v1/models`. */
export const publicModelListSchema = z.object({ object: z.literal("list"), data: z.array(publicModelSchema) });

export type PublicModel = z.infer<typeof publicModelSchema>;
export type PublicModelList = z.infer<typeof publicModelListSchema>;

/**
 * `GET /v1/models` for an Anthropic client (a request with `anthropic-version` or `x-api-key`): Anthropic's page of
 * `ModelInfo` (`limit` 1–1000, default 20; `after_id` / `before_id` page through the same catalog in the same order).
 */
export const anthropicModelSchema = z.object({
  type: z.literal("model"),
  id: z.string(),
  display_name: z.string(),
  /** RFC 3339. */
  created_at: z.string(),
  max_input_tokens: z.number().int().positive(),
  max_tokens: z.number().int().positive(),
});

export const anthropicModelListSchema = z.object({
  data: z.array(anthropicModelSchema),
  has_more: z.boolean(),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
});

export type AnthropicModel = z.infer<typeof anthropicModelSchema>;
export type AnthropicModelList = z.infer<typeof anthropicModelListSchema>;
