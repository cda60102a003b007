/**
 * The routes of an embedding model tried in order, as chat's (chat/route-trial.ts): the same selection (configured
 * provider, allowed jurisdiction; services/route-selection.ts) and the same single try (chat/upstream-attempt.ts:
 * timeout, retryable failures), falling back on a connect error, timeout, 429, 5xx or a failure of omnizen's own
 * account with the provider. There is no stream: the whole answer is read before the client gets anything.
 */
import type { EmbeddingModelEntry } from "../catalog/types.ts";
import { sendUpstream } from "../chat/upstream-attempt.ts";
import type { ChatScope } from "../chat/chat-scope.ts";
import { GatewayError } from "../errors.ts";
import type { EmbeddingRequest } from "../lib/embedding-request.ts";
import { getEmbeddingAdapter } from "../providers/embedding-adapters.ts";
import type { EmbeddingAdapter, EmbeddingContext } from "../providers/embedding-types.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import { selectRoutes, type RouteCandidate } from "../services/route-selection.ts";

export interface EmbeddingAttempt {
  candidate: RouteCandidate;
  embedder: EmbeddingAdapter;
  context: EmbeddingContext;
  response: Response;
  abort: AbortController;
}

export interface EmbeddingTrialHooks {
  /** Told which provider is being tried (for the usage row of a client that leaves meanwhile). */
  onAttempt(provider: ProviderId): void;
  /** The last route failed, or one failed in a way another route would too: records the failed request. */
  onFinalFailure(provider: ProviderId, error: GatewayError): void;
}

export async function tryEmbeddingRoutes(
  scope: ChatScope,
  model: EmbeddingModelEntry,
  request: EmbeddingRequest,
  allowedJurisdictions: readonly string[] | null,
  cancel: AbortSignal,
  hooks: EmbeddingTrialHooks,
): Promise<EmbeddingAttempt> {
  const routes = selectRoutes(scope.config, model, allowedJurisdictions).flatMap((candidate) => {
    const embedder = getEmbeddingAdapter(candidate.route.provider);
    return embedder ? [{ candidate, embedder }] : [];
  });
  for (const [position, { candidate, embedder }] of routes.entries()) {
    const { provider, upstreamModel } = candidate.route;
    const context: EmbeddingContext = { request, upstreamModel, target: candidate.target };
    hooks.onAttempt(provider);
    const upstream = embedder.buildEmbeddingRequest(context);
    const result = await sendUpstream(candidate, upstream, scope.config.UPSTREAM_TIMEOUT_MS, cancel);
    if (result.ok) return { candidate, embedder, context, response: result.response, abort: result.abort };
    const isLast = position === routes.length - 1;
    if (isLast || !result.retryable) {
      hooks.onFinalFailure(provider, result.error);
      throw result.error;
    }
    // Omnizen's own account with this provider needs attention even when the next route answers.
    if (result.error.code === "upstream_account_error") {
      scope.services.errorReporter.serverError(result.error, result.error.status);
    }
  }
  throw new GatewayError("provider_not_configured", `No upstream that embeds '${model.id}' is configured.`);
}
