/**
 * The error body every failing `/api` and `/v1` answer carries: OpenAI's `{"error":{"message","type","param","code"}}`
 * (errors.ts renders it). zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";

export const errorBodySchema = z.object({
  error: z.object({
    message: z.string().min(1),
    /** OpenAI's error type, e.g. "invalid_request_error", "rate_limit_error". */
    type: z.string(),
    /** The request field (or query parameter) the error is about, when there is one. */
    param: z.string().nullable(),
    /** omnizen's machine-readable code, e.g. "invalid_request", "rate_limited". */
    code: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;
