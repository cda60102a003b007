/**
 * Errors in Anthropic's shape, for every failure on `/v1/messages`: the HTTP error body and the in-stream `error`
 * event. https://docs.anthropic.com/en/api/errors
 *
 * | HTTP status | Anthropic `error.type` |
 * |---|---|
 * | 400 | `invalid_request_error` |
 * | 401 | `authentication_error` |
 * | 402 | `billing_error` |
 * | 403 | `permission_error` |
 * | 404 | `not_found_error` |
 * | 413 | `request_too_large` |
 * | 429 | `rate_limit_error` |
 * | 503, 529 | `overloaded_error` |
 * | 504 | `timeout_error` |
 * | anything else (500, 502, ...) | `api_error` |
 */
import type { ErrorType } from "@anthropic-ai/sdk/resources/shared";
import type { GatewayError } from "../../errors.ts";

/** Anthropic's documented error types; `request_too_large` is documented but missing from the SDK's union. */
export type AnthropicErrorType = ErrorType | "request_too_large";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
  request_id: string | null;
}

/** The Anthropic error type for an HTTP status, by the table above. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return "api_error";
  }
}

/**
 * The body of an error response on `/v1/messages`: `{type: "error", error: {type, message}, request_id}`. Send it
 * with `error.status` and `error.headers` (Retry-After). The message is the GatewayError's own, which never holds
 * request content, upstream bodies or keys.
 */
export function renderAnthropicError(error: GatewayError, requestId: string | null): AnthropicErrorBody {
  return {
    type: "error",
    error: { type: anthropicErrorType(error.status), message: error.message },
    request_id: requestId,
  };
}
