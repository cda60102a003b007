/**
 * The one chat pipeline behind every surface:
 * 1. admission: one Upstash round trip (key, limits, credit, prompt-cache lookup);
 * 2. a prompt-cache hit is replayed at full speed; otherwise route selection (jurisdiction, configured providers),
 *    fallback across routes before the first byte, the upstream call, rendering through the surface;
 * 3. after the response, through `waitUntil` and exactly once on every path: the usage row (Postgres) and the
 *    settlement (Upstash: slots released, credit reservation squared, tokens counted, cache entry stored).
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { findModel } from "../catalog/models.ts";
import { computeCostMicroUsd, priceAt } from "../catalog/pricing.ts";
import { GatewayError } from "../errors.ts";
import { estimateUsage, generatedCharacters, reasoningCharacters, withKnownUsage } from "../lib/estimate-usage.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import type { ChatContext, NormalizedUsage } from "../providers/types.ts";
import { reportServerError } from "../services/error-reporter/report-server-error.ts";
import { rateLimitHeaders } from "../services/hot-path/admission.ts";
import { reservationMicroUsd } from "../services/hot-path/reservation.ts";
import { selectRoutes, type RouteCandidate } from "../services/route-selection.ts";
import type { NativeForward } from "../surfaces/anthropic/native-forward.ts";
import type { Surface } from "../surfaces/types.ts";
import { admitChat, beforeAdmission, readmitAsMiss } from "./admit-chat.ts";
import { createStreamResponseBody } from "./chat-completions/stream-response.ts";
import { createPassthroughStreamBody } from "./passthrough-stream.ts";
import { createStreamRecorder, jsonEntry } from "../services/prompt-cache/cache-entry.ts";
import { createRequestFinisher } from "./request-finisher.ts";
import { serveCachedEntry } from "./serve-cached.ts";
import { attemptUpstream } from "./upstream-attempt.ts";

/** The usage row's status for a request whose client hung up before any answer (nginx's "client closed request"). */
const CLIENT_CLOSED_REQUEST = 499;

/** Answers larger than this (serialized) are not cached. */
const MAX_CACHE_ENTRY_BYTES = 1024 * 1024;

/**
 * `native`: when a route's provider speaks the client's own API, the client's body is forwarded as is and the answer
 * returned as is (usage still read through the adapter), instead of translating both ways.
 */
export async function dispatchChat(
  context: Context<AppEnv>,
  request: ChatCompletionRequest,
  surface: Surface,
  native?: NativeForward,
): Promise<Response> {
  const config = context.get("config");
  const { model, price, nativeBody, reservation } = await beforeAdmission(context, () => {
    const model = findModel(request.model);
    if (!model) {
      throw new GatewayError("model_not_found", `The model '${request.model.slice(0, 100)}' does not exist; GET /v1/models lists them.`, { param: "model" });
    }
    const price = priceAt(model, new Date(context.get("startedAt")));
    return {
      model,
      price,
      nativeBody: native && model.routes.some((route) => route.provider === native.provider) ? native.body : undefined,
      // Throws a 400 for max_tokens above the model's limit: after the key check, like every body error.
      reservation: reservationMicroUsd(request, model, price),
    };
  });
  const stream = request.stream === true;
  // Only for an estimate, when an upstream reports no usage: not serialized on the way of every request.
  const promptCharacters = () => JSON.stringify(request.messages).length;
  const admitted = await admitChat(context, request, surface, reservation, nativeBody);
  const { cache } = admitted;
  let admission = admitted.admission;
  let finisher = createRequestFinisher(context, admission, { modelId: model.id, stream, priceVersion: price.version });
  const headers: Record<string, string> = {
    ...rateLimitHeaders(admission.rateLimit),
    "x-request-id": context.get("requestId"),
    "x-omnizen-cache": cache.status,
  };

  const cost = (usage: NormalizedUsage) => computeCostMicroUsd(usage, price);
  // A client that hangs up before the response is returned (while the upstream prepares its headers, or a non-stream
  // answer) cancels this handler: no later line runs, so the upstream call is aborted and the request settled here,
  // billed as an estimate of its prompt (the upstream has read it). Once a stream is returned, its body takes over.
  let attempting: ProviderId = model.routes[0]?.provider ?? "openai";
  const clientSignal: AbortSignal | undefined = context.req.raw.signal;
  const upstreamCancel = new AbortController();
  const onClientGone = () => {
    upstreamCancel.abort();
    const usage = estimateUsage(promptCharacters(), 0);
    finisher.finish({ provider: attempting, usage, costMicroUsd: cost(usage), status: "cancelled", httpStatus: CLIENT_CLOSED_REQUEST, firstTokenAt: null });
  };
  clientSignal?.addEventListener("abort", onClientGone, { once: true });

  try {
    if (admission.cachedEntry && cache.key) {
      const served = await serveCachedEntry({ context, entryText: admission.cachedEntry, cacheKey: cache.key, surface, stream, model, price, finisher, headers, request });
      if (served) return served;
      // An entry that fails to decrypt is a miss: admitted again (a slot; counted and reserved once) before the
      // upstream is called. Its answer then overwrites the entry.
      admission = await readmitAsMiss(context, reservation);
      finisher = createRequestFinisher(context, admission, { modelId: model.id, stream, priceVersion: price.version });
      headers["x-omnizen-cache"] = "MISS";
    }
    return await forward();
  } catch (error) {
    finisher.fail(error instanceof GatewayError ? error.status : 500);
    throw error;
  } finally {
    clientSignal?.removeEventListener("abort", onClientGone);
  }

  async function forward(): Promise<Response> {
    const candidates = selectRoutes(config, model!, admission.auth.allowedJurisdictions);
    let chosen: { candidate: RouteCandidate; chat: ChatContext; response: Response; abort: AbortController; isNative: boolean } | undefined;
    for (const [index, candidate] of candidates.entries()) {
      const chat: ChatContext = { request, modelId: model!.id, route: candidate.route, target: candidate.target };
      const isNative = native?.provider === candidate.route.provider;
      const nativeRequest = isNative ? native?.buildRequest(candidate.route, candidate.target) : undefined;
      attempting = candidate.route.provider;
      const attempt = await attemptUpstream(candidate, chat, config.UPSTREAM_TIMEOUT_MS, nativeRequest, upstreamCancel.signal);
      if (attempt.ok) {
        chosen = { candidate, chat, response: attempt.response, abort: attempt.abort, isNative };
        break;
      }
      if (!attempt.retryable || index === candidates.length - 1) {
        finisher.finish({ provider: candidate.route.provider, usage: estimateUsage(0, 0), costMicroUsd: 0, status: "error", httpStatus: attempt.error.status, firstTokenAt: null });
        throw attempt.error;
      }
      // Our own account with this provider needs attention even when the next route answers (onError reports the last).
      if (attempt.error.code === "upstream_account_error") reportServerError(context, attempt.error, attempt.error.status);
    }
    if (!chosen) throw new GatewayError("internal_error", "No upstream route was attempted.");
    const { candidate, chat, response, abort, isNative } = chosen;
    const provider = candidate.route.provider;
    headers["x-omnizen-provider"] = provider;

    if (!stream || !response.body) {
      const json: unknown = await response.json().catch(() => null);
      if (abort.signal.reason instanceof GatewayError) {
        // The body stalled past the upstream timeout (upstream-idle-guard.ts).
        finisher.finish({ provider, usage: estimateUsage(0, 0), costMicroUsd: 0, status: "error", httpStatus: abort.signal.reason.status, firstTokenAt: null });
        throw abort.signal.reason;
      }
      const { body, usage } = candidate.adapter.parseChatResponse(json, chat);
      const settledUsage = usage ?? estimateUsage(promptCharacters(), generatedCharacters(body.choices), reasoningCharacters(body.choices));
      const entry = cache.key && usage ? jsonEntry(body, usage) : undefined;
      finisher.finish({ provider, usage: settledUsage, costMicroUsd: cost(settledUsage), status: "ok", httpStatus: 200, firstTokenAt: null }, entry && cache.key ? { key: cache.key, entry } : undefined);
      const rendered = isNative && native ? native.renderJson(json, model!.id) : surface.renderJson(body, settledUsage);
      return Response.json(rendered, { headers });
    }

    const recorder = cache.key ? createStreamRecorder(MAX_CACHE_ENTRY_BYTES) : undefined;
    const createBody = isNative ? createPassthroughStreamBody : createStreamResponseBody;
    const body = createBody({
      upstreamBody: response.body,
      translator: candidate.adapter.createStreamTranslator(chat),
      encoder: surface.createStreamEncoder({ includeUsage: request.stream_options?.include_usage === true, modelId: model!.id, requestId: context.get("requestId") }),
      abortUpstream: () => abort.abort(),
      keepAlive: (work) => context.executionCtx.waitUntil(work),
      ...(recorder ? { tap: { chunk: (chunk) => recorder.add(chunk), usage: (usage, chunk) => recorder.setUsage(usage, chunk) } } : {}),
      onSettled: (outcome) => {
        // A failure after the first byte never reaches onError: report it here (ids and status only).
        if (outcome.status === "error" && outcome.error) reportServerError(context, outcome.error, outcome.error.status);
        const usage = outcome.usage ?? withKnownUsage(estimateUsage(promptCharacters(), outcome.generatedCharacters, outcome.reasoningCharacters), outcome.knownUsage);
        // Only a complete, successful answer is cached; partial, failed or cancelled ones never are.
        const entry = outcome.status === "ok" && recorder ? recorder.finish() : null;
        finisher.finish(
          { provider, usage, costMicroUsd: cost(usage), status: outcome.status, httpStatus: outcome.error?.status ?? 200, firstTokenAt: outcome.firstTokenAt },
          entry && cache.key ? { key: cache.key, entry } : undefined,
        );
      },
    });
    return new Response(body, { headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
  }
}
