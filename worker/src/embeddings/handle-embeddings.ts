/**
 * The embeddings pipeline, on the chat pipeline's services (docs/embeddings.md):
 * 1. before admission: the model must be an embedding model and take the request (400/404 after the key check,
 *    chat/admission.ts `beforeAdmission`), and the credit reservation is estimated from the inputs;
 * 2. admission: the same single Upstash round trip as chat (key, fair-use limits incl. tokens per minute, credit),
 *    without a prompt-cache lookup: embeddings are not cached;
 * 3. the routes are tried with fallback (./embedding-route-trial.ts) and the whole answer read;
 * 4. after the response, through `waitUntil` and exactly once on every path, the request is finished
 *    (chat/request-finisher.ts): usage row with `api_type = 'embeddings'`, slots released, reservation squared.
 * No input text or vector is logged or stored; a client that leaves early aborts the upstream and is billed an
 * estimate of its inputs (the upstream has read them), as chat is.
 */
import { requireEmbeddingModel } from "../catalog/model-kind.ts";
import { computeCost, priceAt } from "../catalog/pricing.ts";
import { admitRequest, beforeAdmission } from "../chat/admission.ts";
import type { ChatScope } from "../chat/chat-scope.ts";
import { createRequestFinisher } from "../chat/request-finisher.ts";
import { GatewayError } from "../errors.ts";
import type { EmbeddingRequest } from "../lib/embedding-request.ts";
import { costUsdText } from "../lib/cost.ts";
import { estimateUsage } from "../lib/estimate-usage.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import { rateLimitHeaders } from "../services/hot-path/admission.ts";
import { embeddingReservationMicroUsd, estimatedEmbeddingUsage } from "./embedding-usage.ts";
import { tryEmbeddingRoutes, type EmbeddingAttempt } from "./embedding-route-trial.ts";
import { checkAgainstModel } from "./parse-embedding-request.ts";
import { renderEmbeddings } from "./render-embeddings.ts";

/** The usage row's status for a request whose client hung up before the answer (nginx's "client closed request"). */
const CLIENT_CLOSED_REQUEST = 499;

type RecordOutcome = (
  provider: ProviderId,
  usage: NormalizedUsage,
  status: "ok" | "error" | "cancelled",
  http: number,
) => void;

/**
 * Reads the chosen route's answer: its vectors, and its usage (an estimate of the inputs when it reported none). A
 * body that stalls past the upstream timeout or cannot be read is recorded as a failed request and thrown.
 */
async function readEmbeddings(attempt: EmbeddingAttempt, request: EmbeddingRequest, record: RecordOutcome) {
  const provider = attempt.candidate.route.provider;
  const json: unknown = await attempt.response.json().catch(() => null);
  try {
    // The body stalled past the upstream timeout (chat/upstream-idle-guard.ts).
    const stalled: unknown = attempt.abort.signal.reason;
    if (stalled instanceof GatewayError) throw stalled;
    const result = attempt.embedder.parseEmbeddingResponse(json, attempt.context);
    return { vectors: result.vectors, usage: result.usage ?? estimatedEmbeddingUsage(request.inputs) };
  } catch (error) {
    record(provider, estimateUsage(0, 0), "error", error instanceof GatewayError ? error.status : 502);
    throw error;
  }
}

export async function handleEmbeddings(scope: ChatScope, request: EmbeddingRequest): Promise<Response> {
  const { model, price, reservation } = await beforeAdmission(scope, () => {
    const model = requireEmbeddingModel(request.model);
    checkAgainstModel(request, model);
    const price = priceAt(model, new Date(scope.meta.startedAt));
    return { model, price, reservation: embeddingReservationMicroUsd(request.inputs, price) };
  });
  const admission = await admitRequest(scope, { cacheKey: null, reservationMicroUsd: reservation, checkCredit: true });
  const finisher = createRequestFinisher(scope, admission, {
    modelId: model.id,
    stream: false,
    priceVersion: price.version,
    apiType: "embeddings",
  });
  const record: RecordOutcome = (provider, usage, status, http) =>
    finisher.finish({
      provider,
      usage,
      costMicroUsd: status === "error" ? 0 : computeCost(usage, price).microUsd,
      status,
      httpStatus: http,
      firstTokenAt: null,
    });

  // A client that hangs up cancels this handler: the upstream call is aborted and the inputs billed as an estimate.
  let attempting: ProviderId = model.routes[0].provider;
  const upstreamCancel = new AbortController();
  const onClientGone = () => {
    upstreamCancel.abort();
    record(attempting, estimatedEmbeddingUsage(request.inputs), "cancelled", CLIENT_CLOSED_REQUEST);
  };
  scope.clientSignal?.addEventListener("abort", onClientGone, { once: true });
  try {
    const attempt = await tryEmbeddingRoutes(
      scope,
      model,
      request,
      admission.auth.allowedJurisdictions,
      upstreamCancel.signal,
      {
        onAttempt: (provider) => (attempting = provider),
        onFinalFailure: (provider, error) => record(provider, estimateUsage(0, 0), "error", error.status),
      },
    );
    const provider = attempt.candidate.route.provider;
    const { vectors, usage } = await readEmbeddings(attempt, request, record);
    const cost = computeCost(usage, price);
    record(provider, usage, "ok", 200);
    const answer = renderEmbeddings({
      vectors,
      encodingFormat: request.encodingFormat,
      modelId: model.id,
      usage,
      cost,
    });
    return Response.json(answer, {
      headers: {
        ...rateLimitHeaders(admission.rateLimit),
        "x-request-id": scope.meta.requestId,
        "x-omnizen-provider": provider,
        "x-omnizen-cost": costUsdText(cost),
      },
    });
  } catch (error) {
    // Settles a request that failed before any usage was recorded; after a record it does nothing.
    finisher.fail(error instanceof GatewayError ? error.status : 500);
    throw error;
  } finally {
    scope.clientSignal?.removeEventListener("abort", onClientGone);
  }
}
