/**
 * `GET /v1/generation?id=<request id>` (routes/generation.ts): one request's record in OpenRouter's generation shape
 * where it fits (https://openrouter.ai/docs/api/api-reference/generations/get-generation): tokens by kind, cost by
 * kind, cache hit, timings, finish reason, status. Never content. zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";

const tokens = z.number().int().nonnegative();
const usd = z.number().nonnegative();

export const generationSchema = z.object({
  /** The request id (`x-request-id` of the answer). */
  id: z.string(),
  model: z.string(),
  /** The upstream that answered, or `cache` for a prompt-cache hit. */
  provider_name: z.string(),
  /** `chat`, `messages`, `responses` or `embeddings`; null on records from before it was recorded. */
  api_type: z.enum(["chat", "messages", "responses", "embeddings"]).nullable(),
  streamed: z.boolean(),
  cancelled: z.boolean(),
  /** ISO 8601, when the request started. */
  created_at: z.string(),
  /** Every prompt token (uncached, read from and written to the provider's cache), as the provider counted them. */
  tokens_prompt: tokens,
  /** Generated tokens, reasoning included. */
  tokens_completion: tokens,
  native_tokens_prompt: tokens,
  native_tokens_completion: tokens,
  native_tokens_reasoning: tokens,
  native_tokens_cached: tokens,
  native_tokens_cache_write: tokens,
  /** USD: the usage row's `cost_micro_usd` / 1e6, the answer's `usage.cost`. */
  total_cost: usd,
  /** USD by kind of token, unrounded (docs/api.md, "Cost"); null where the price it was billed at is not known. */
  cost_details: z.object({ input: usd, cache_read: usd, cache_write: usd, output: usd, reasoning: usd }).nullable(),
  /** Answered from omnizen's prompt cache (not the provider's). */
  cache_hit: z.boolean(),
  /** Milliseconds from the request to its end. */
  latency: z.number().int(),
  /** Milliseconds to the first token; null when none was sent. */
  time_to_first_token: z.number().int().nullable(),
  /** In OpenAI's terms: `stop`, `length`, `tool_calls`, `content_filter`; null when unknown. */
  finish_reason: z.enum(["stop", "length", "tool_calls", "content_filter"]).nullable(),
  status: z.enum(["ok", "error", "cancelled"]),
  http_status: z.number().int(),
  /** `reported` when the numbers are the provider's own, `estimated` when the gateway had to count. */
  usage_source: z.enum(["reported", "estimated"]),
});

export const generationResponseSchema = z.object({ data: generationSchema });

export type Generation = z.infer<typeof generationSchema>;
export type GenerationResponse = z.infer<typeof generationResponseSchema>;
