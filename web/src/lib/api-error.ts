export interface ApiErrorInit {
  /** HTTP status; 0 when no response arrived (network failure). */
  status: number;
  message: string;
  code?: string | null;
  type?: string | null;
  param?: string | null;
  requestId?: string | null;
  /** The body's fields beside `error` (e.g. Clerk's reverification hint `clerk_error`). */
  bodyExtras?: Record<string, unknown>;
  cause?: unknown;
}

/** Everything the api client throws, except an abort the caller asked for. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  /** Machine-readable `error.code`, e.g. "invalid_api_key"; also "network_error" and "invalid_response". */
  readonly code: string | null;
  /** `error.type`, e.g. "invalid_request_error". */
  readonly type: string | null;
  /** `error.param`: the request field the error is about, when there is one. */
  readonly param: string | null;
  /** The response's x-request-id header, to quote in a support request. */
  readonly requestId: string | null;
  /** The error body's fields beside `error`: the gateway adds Clerk's reverification hint (`clerk_error`) there. */
  readonly bodyExtras: Record<string, unknown>;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code ?? null;
    this.type = init.type ?? null;
    this.param = init.param ?? null;
    this.requestId = init.requestId ?? null;
    this.bodyExtras = init.bodyExtras ?? {};
  }
}

/** Builds the ApiError for a non-2xx response from its status, body text and x-request-id header. */
export function apiErrorFromResponse(status: number, bodyText: string, requestId: string | null): ApiError {
  const body = parseErrorBody(bodyText);
  if (body === null) {
    return new ApiError({ status, message: `Request failed with status ${status}.`, requestId });
  }
  return new ApiError({
    status,
    message: body.message,
    code: body.code,
    type: body.type,
    param: body.param,
    requestId,
    bodyExtras: body.extras,
  });
}

/**
 * The error of a failing answer, read defensively: omnizen sends `ErrorBody` (api-types.ts), but a proxy in between
 * may answer anything.
 */
function parseErrorBody(bodyText: string): {
  message: string;
  type: string | null;
  param: string | null;
  code: string | null;
  extras: Record<string, unknown>;
} | null {
  let value: unknown;
  try {
    value = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (!isRecord(value) || !isRecord(value.error) || typeof value.error.message !== "string") {
    return null;
  }
  const { error, ...extras } = value;
  return {
    message: value.error.message,
    type: stringOrNull(error.type),
    param: stringOrNull(error.param),
    code: stringOrNull(error.code),
    extras,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
