/**
 * One try of one upstream route, up to its response headers. Retryable failures (connect error, timeout before
 * headers, 429, 5xx, and omnizen's own account state with the provider) let the dispatcher fall back to the next
 * route; nothing has reached the client yet then. The same timeout then bounds every wait on the body
 * (upstream-idle-guard.ts): a stall after the headers or between two chunks fails the answer with `upstream_timeout`
 * instead of hanging the client.
 */
import { GatewayError } from "../errors.ts";
import type { ChatContext, UpstreamRequest } from "../providers/types.ts";
import type { RouteCandidate } from "../services/route-selection.ts";
import { guardIdleBody } from "./upstream-idle-guard.ts";

export type AttemptResult =
  { ok: true; response: Response; abort: AbortController } | { ok: false; error: GatewayError; retryable: boolean };

export function attemptUpstream(
  candidate: RouteCandidate,
  chat: ChatContext,
  defaultTimeoutMs: number,
  nativeRequest?: UpstreamRequest,
  /** Aborts the call when the client has gone away. */
  cancel?: AbortSignal,
): Promise<AttemptResult> {
  return sendUpstream(candidate, nativeRequest ?? candidate.adapter.buildChatRequest(chat), defaultTimeoutMs, cancel);
}

/** The same try for any request already built for the route (chat, native or embeddings). */
export async function sendUpstream(
  candidate: RouteCandidate,
  upstreamRequest: UpstreamRequest,
  defaultTimeoutMs: number,
  cancel?: AbortSignal,
): Promise<AttemptResult> {
  const abort = new AbortController();
  cancel?.addEventListener("abort", () => abort.abort(), { once: true });
  const timeoutMs = candidate.route.timeoutMs ?? defaultTimeoutMs;
  const timer = setTimeout(
    () =>
      abort.abort(
        new GatewayError(
          "upstream_timeout",
          `The upstream provider (${candidate.route.provider}) did not answer within ${timeoutMs} ms.`,
        ),
      ),
    timeoutMs,
  );
  try {
    const response = await fetch(upstreamRequest.url, {
      method: "POST",
      headers: upstreamRequest.headers,
      body: upstreamRequest.body,
      signal: abort.signal,
    });
    if (response.ok) {
      if (!response.body) return { ok: true, response, abort };
      const body = guardIdleBody(response.body, timeoutMs, abort, candidate.route.provider);
      return { ok: true, response: new Response(body, { status: response.status, headers: response.headers }), abort };
    }
    const body = await response.text().catch(() => "");
    const error = candidate.adapter.mapError(response.status, response.headers, body, candidate);
    // A failure of omnizen's own account with this provider (credit, quota, key) may not affect another route.
    return {
      ok: false,
      error,
      retryable: response.status === 429 || response.status >= 500 || error.code === "upstream_account_error",
    };
  } catch (cause) {
    const error =
      abort.signal.reason instanceof GatewayError
        ? abort.signal.reason
        : new GatewayError(
            "upstream_unavailable",
            `The upstream provider (${candidate.route.provider}) could not be reached.`,
            { cause },
          );
    return { ok: false, error, retryable: true };
  } finally {
    clearTimeout(timer);
  }
}
