import { GatewayError } from "../errors.ts";

const MAX_MESSAGE_LENGTH = 300;

/**
 * Maps an upstream HTTP failure to a GatewayError. The client sees the status class and, for 4xx request errors only,
 * the upstream's own short message (redacted of our provider key, truncated). Credentials errors are ours, not the
 * caller's: they become 502 without detail. Retry-After survives on 429.
 */
export function mapUpstreamError(options: {
  provider: string;
  status: number;
  headers: Headers;
  upstreamMessage: string | undefined;
  apiKey: string;
}): GatewayError {
  const { provider, status, headers } = options;
  if (status === 429) {
    const retryAfter = headers.get("retry-after");
    return new GatewayError("upstream_rate_limited", `The upstream provider (${provider}) is rate limiting requests; retry later.`, {
      headers: retryAfter ? { "retry-after": retryAfter } : {},
    });
  }
  if (status === 401 || status === 403) {
    return new GatewayError("upstream_error", `The upstream provider (${provider}) refused omnizen's credentials.`);
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
    return new GatewayError("upstream_unavailable", `The upstream provider (${provider}) is overloaded or unavailable.`);
  }
  return new GatewayError("upstream_error", `The upstream provider (${provider}) failed with status ${status}.`);
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
      if (error && typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
    }
  } catch {
    // not JSON: say nothing rather than echo a raw body
  }
  return undefined;
}
