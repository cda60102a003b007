import { GatewayError } from "../errors.ts";

const MAX_MESSAGE_LENGTH = 300;

/**
 * Upstream messages about omnizen's own account with the provider (credit, quota, billing, a disabled organization,
 * our key), which are never shown to callers. Matched on the provider's message (OpenAI `insufficient_quota` /
 * "exceeded your current quota", Anthropic "credit balance is too low" / `billing_error`, DeepSeek 402 "Insufficient
 * Balance", "organization has been disabled", "Incorrect API key provided").
 */
const ACCOUNT_STATE_PATTERN =
  /credit balance|insufficient[_ ](quota|balance|credit|funds)|exceeded your (current )?quota|billing|payment|organi[sz]ation (has been|is) (disabled|deactivated|suspended)|account (has been|is) (disabled|deactivated|suspended|not active)|api[_ -]?key|access denied|arrearage|overdue/i;

/** Statuses that are always about omnizen's account with the provider: credentials, payment, permission. */
const ACCOUNT_STATE_STATUSES = new Set([401, 402, 403]);

/**
 * Whether an upstream failure is about omnizen's own account with the provider rather than the caller's request.
 * Such a failure becomes `upstream_account_error` (503, a generic message): the dispatcher reports it and fails over
 * to another route when there is one.
 */
export function isAccountStateError(status: number, upstreamMessage: string | undefined): boolean {
  if (ACCOUNT_STATE_STATUSES.has(status)) return true;
  return (
    status >= 400 &&
    status < 500 &&
    status !== 413 &&
    upstreamMessage !== undefined &&
    ACCOUNT_STATE_PATTERN.test(upstreamMessage)
  );
}

/**
 * Maps an upstream HTTP failure to a GatewayError. The client sees the status class and, for 4xx request errors only,
 * the upstream's own short message (redacted of our provider key, truncated). Failures about omnizen's own account
 * with the provider (credentials, credit, quota, billing: `isAccountStateError`) are ours, not the caller's: they
 * become a generic 503 `upstream_account_error` without the provider's text. Retry-After survives on 429.
 */
export function mapUpstreamError(options: {
  provider: string;
  status: number;
  headers: Headers;
  upstreamMessage: string | undefined;
  apiKey: string;
}): GatewayError {
  const { provider, status, headers } = options;
  if (isAccountStateError(status, options.upstreamMessage)) {
    return new GatewayError(
      "upstream_account_error",
      `The upstream provider (${provider}) cannot serve this model for omnizen right now; retry later or use another model.`,
      // For the error report only (a linked exception of our own words, never the provider's text).
      {
        cause: new GatewayError(
          "upstream_account_error",
          `${provider} answered ${status}: ${accountStateKind(status, options.upstreamMessage)}`,
        ),
      },
    );
  }
  if (status === 429) {
    const retryAfter = headers.get("retry-after");
    return new GatewayError(
      "upstream_rate_limited",
      `The upstream provider (${provider}) is rate limiting requests; retry later.`,
      {
        headers: retryAfter ? { "retry-after": retryAfter } : {},
      },
    );
  }
  if (status >= 400 && status < 500) {
    const detail = sanitize(options.upstreamMessage, options.apiKey);
    return new GatewayError(
      "invalid_request",
      `The upstream provider (${provider}) rejected the request (${status})${detail ? `: ${detail}` : "."}`,
      { status: status === 404 || status === 413 ? status : 400 },
    );
  }
  if (status === 503 || status === 529) {
    return new GatewayError(
      "upstream_unavailable",
      `The upstream provider (${provider}) is overloaded or unavailable.`,
    );
  }
  return new GatewayError("upstream_error", `The upstream provider (${provider}) failed with status ${status}.`);
}

/** A coarse label for the report (never the provider's text): what is wrong with omnizen's account. */
function accountStateKind(
  status: number,
  message: string | undefined,
): "credentials" | "credit-or-billing" | "account-disabled" {
  if (message && /disabled|deactivated|suspended|not active/i.test(message)) return "account-disabled";
  if (status === 401 || status === 403 || (message && /api[_ -]?key|access denied/i.test(message)))
    return "credentials";
  return "credit-or-billing";
}

function sanitize(message: string | undefined, apiKey: string): string | undefined {
  if (!message) return undefined;
  let text = message.replaceAll(/\s+/g, " ").trim();
  if (apiKey) text = text.replaceAll(apiKey, "[redacted]");
  text = text.replaceAll(/\b(sk|key|Bearer)[-_ ][\w-]{8,}/gi, "[redacted]");
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

/** Reads `error.message` (OpenAI/Anthropic/Gemini shapes) out of an upstream error body without trusting it. */
export function readUpstreamMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "error" in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === "string") return error;
      if (error && typeof error === "object" && "message" in error && typeof error.message === "string")
        return error.message;
    }
  } catch {
    // not JSON: say nothing rather than echo a raw body
  }
  return undefined;
}
