/**
 * Route trial with fallback: the model's routes (selected by jurisdiction and configured providers) are tried in
 * order up to the first one whose response headers arrive. A retryable failure (chat/upstream-attempt.ts) falls back
 * to the next route, before anything reached the client; the last failure, or one that is not retryable, finishes
 * the request as an error and is thrown.
 */
import { GatewayError } from "../errors.ts";
import { estimateUsage } from "../lib/estimate-usage.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import type { ChatContext } from "../providers/types.ts";
import { selectRoutes, type RouteCandidate } from "../services/route-selection.ts";
import type { ChatRun } from "./chat-scope.ts";
import { attemptUpstream } from "./upstream-attempt.ts";

export interface ChosenRoute {
  candidate: RouteCandidate;
  chat: ChatContext;
  response: Response;
  /** Aborts the upstream call (and carries the idle guard's timeout as its reason). */
  abort: AbortController;
  /** The route's provider speaks the client's own API: the body went as the client sent it. */
  isNative: boolean;
}

export async function tryRoutes(
  run: ChatRun,
  allowedJurisdictions: readonly string[] | null,
  /** Aborts the attempt when the client has gone away. */
  cancel: AbortSignal,
  /** Told which provider is being tried, for the usage row of a client that leaves meanwhile. */
  onAttempt: (provider: ProviderId) => void,
): Promise<ChosenRoute> {
  const { scope, request, model, native } = run;
  const candidates = selectRoutes(scope.config, model, allowedJurisdictions);
  for (const [index, candidate] of candidates.entries()) {
    const chat: ChatContext = {
      request,
      modelId: run.answerModelId,
      upstreamModel: candidate.route.upstreamModel,
      target: candidate.target,
    };
    const isNative = native?.provider === candidate.route.provider;
    const nativeRequest = isNative ? native?.buildRequest(candidate.route, candidate.target) : undefined;
    onAttempt(candidate.route.provider);
    const attempt = await attemptUpstream(candidate, chat, scope.config.UPSTREAM_TIMEOUT_MS, nativeRequest, cancel);
    if (attempt.ok) return { candidate, chat, response: attempt.response, abort: attempt.abort, isNative };
    if (!attempt.retryable || index === candidates.length - 1) {
      run.finisher.finish({
        provider: candidate.route.provider,
        usage: estimateUsage(0, 0),
        costMicroUsd: 0,
        status: "error",
        httpStatus: attempt.error.status,
        firstTokenAt: null,
      });
      throw attempt.error;
    }
    // Our own account with this provider needs attention even when the next route answers (onError reports the last).
    if (attempt.error.code === "upstream_account_error") {
      scope.services.errorReporter.serverError(attempt.error, attempt.error.status);
    }
  }
  throw new GatewayError("internal_error", "No upstream route was attempted.");
}
