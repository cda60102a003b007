/**
 * Route trial with fallback: the model's routes (selected by jurisdiction and configured providers) are tried in
 * order up to the first one whose response headers arrive. A retryable failure (chat/upstream-attempt.ts) falls back
 * to the next route, before anything reached the client; the last failure, or one that is not retryable, finishes
 * the request as an error and is thrown. With routing preferences the candidates span the request's fallback models
 * too (services/route-selection.ts `selectCandidates`), and each candidate is answered as its own model.
 */
import { GatewayError } from "../errors.ts";
import { estimateUsage } from "../lib/estimate-usage.ts";
import type { ChatContext } from "../providers/types.ts";
import { selectCandidates, selectRoutes, type RouteCandidate } from "../services/route-selection.ts";
import { isolateProviderLatency } from "../services/routing/provider-latency.ts";
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
  /** Told which route (and model) is being tried, before the call: the usage row names them. */
  onAttempt: (candidate: RouteCandidate) => void,
): Promise<ChosenRoute> {
  const { scope, request, model, native, routing } = run;
  const candidates = routing.preferences
    ? selectCandidates(scope.config, {
        models: routing.models,
        allowedJurisdictions,
        provider: routing.preferences.provider,
        costOf: routing.reservationOf,
        latency: isolateProviderLatency,
      })
    : selectRoutes(scope.config, model, allowedJurisdictions);
  for (const [index, candidate] of candidates.entries()) {
    const chat: ChatContext = {
      request,
      // The request's own model keeps the id the client sent (an alias stays an alias); a fallback model its own id.
      modelId: candidate.model === model ? run.answerModelId : candidate.model.id,
      upstreamModel: candidate.route.upstreamModel,
      target: candidate.target,
    };
    const isNative = native?.provider === candidate.route.provider;
    const nativeRequest = isNative ? native?.buildRequest(candidate.route, candidate.target) : undefined;
    onAttempt(candidate);
    const started = Date.now();
    const attempt = await attemptUpstream(candidate, chat, scope.config.UPSTREAM_TIMEOUT_MS, nativeRequest, cancel);
    if (attempt.ok) {
      // A streamed answer's headers arrive with its first byte: the latency `provider.sort` ranks by.
      if (run.stream) isolateProviderLatency.record(candidate.route.provider, Date.now() - started);
      return { candidate, chat, response: attempt.response, abort: attempt.abort, isNative };
    }
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
