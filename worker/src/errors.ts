/**
 * One error class with a closed set of codes. Everything the gateway refuses or fails at becomes a GatewayError;
 * `app.onError` renders it as OpenAI's `{"error":{"message","type","param","code"}}` with the status below.
 */
export type ErrorCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "unauthorized_session"
  | "age_confirmation_required"
  | "https_required"
  | "forbidden"
  | "reverification_required"
  | "conflict"
  | "invalid_webhook_signature"
  | "service_not_configured"
  | "identity_provider_error"
  | "invalid_json"
  | "invalid_request"
  | "model_not_found"
  | "generation_not_found"
  | "jurisdiction_not_allowed"
  | "not_found"
  | "request_too_large"
  | "rate_limited"
  | "too_many_concurrent_requests"
  | "auth_throttled"
  | "insufficient_credit"
  | "payment_declined"
  | "upstream_rate_limited"
  | "upstream_error"
  | "upstream_unavailable"
  | "upstream_account_error"
  | "upstream_timeout"
  | "provider_not_configured"
  | "service_unavailable"
  | "internal_error";

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "api_error";

export interface ErrorShape {
  status: 400 | 401 | 402 | 403 | 404 | 409 | 413 | 429 | 500 | 502 | 503 | 504;
  type: OpenAIErrorType;
}

/** Exhaustive: adding a code without a case is a compile error. */
export function describeErrorCode(code: ErrorCode): ErrorShape {
  switch (code) {
    case "missing_api_key":
    case "invalid_api_key":
    case "unauthorized_session":
      return { status: 401, type: "authentication_error" };
    case "invalid_json":
    case "invalid_request":
    case "invalid_webhook_signature":
      return { status: 400, type: "invalid_request_error" };
    case "jurisdiction_not_allowed":
    case "age_confirmation_required":
    case "https_required":
    case "forbidden":
    case "reverification_required":
      return { status: 403, type: "permission_error" };
    case "conflict":
      return { status: 409, type: "invalid_request_error" };
    case "model_not_found":
    case "generation_not_found":
    case "not_found":
      return { status: 404, type: "not_found_error" };
    case "request_too_large":
      return { status: 413, type: "invalid_request_error" };
    case "insufficient_credit":
      return { status: 402, type: "insufficient_quota" };
    case "payment_declined":
      return { status: 402, type: "invalid_request_error" };
    case "rate_limited":
    case "too_many_concurrent_requests":
    case "auth_throttled":
    case "upstream_rate_limited":
      return { status: 429, type: "rate_limit_error" };
    case "upstream_error":
    case "identity_provider_error":
      return { status: 502, type: "api_error" };
    case "upstream_unavailable":
    case "upstream_account_error":
    case "provider_not_configured":
    case "service_not_configured":
    case "service_unavailable":
      return { status: 503, type: "api_error" };
    case "upstream_timeout":
      return { status: 504, type: "api_error" };
    case "internal_error":
      return { status: 500, type: "api_error" };
    default: {
      const unreachable: never = code;
      throw new Error(`unhandled error code ${String(unreachable)}`);
    }
  }
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers: Record<string, string>;
  /** Overrides the code's default status where the upstream's own status is more precise (e.g. 500 vs 502). */
  readonly statusOverride: ErrorShape["status"] | undefined;
  /**
   * Fields sent beside `error` for clients that understand them (Clerk's reverification hint `clerk_error`); OpenAI's
   * clients read `error` only. Never request content.
   */
  readonly bodyExtras: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      param?: string | null;
      headers?: Record<string, string>;
      status?: ErrorShape["status"];
      cause?: unknown;
      bodyExtras?: Record<string, unknown>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.statusOverride = options.status;
    this.bodyExtras = options.bodyExtras ?? {};
  }

  get status(): ErrorShape["status"] {
    return this.statusOverride ?? describeErrorCode(this.code).status;
  }

  /** OpenAI's error body (plus `bodyExtras`). Never contains upstream bodies, keys or request content. */
  toJSON(): { error: { message: string; type: OpenAIErrorType; param: string | null; code: ErrorCode } } {
    return {
      ...this.bodyExtras,
      error: { message: this.message, type: describeErrorCode(this.code).type, param: this.param, code: this.code },
    };
  }
}
