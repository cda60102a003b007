/**
 * The one chat pipeline behind every surface:
 * 1. admission: one Upstash round trip (key, limits, credit, prompt-cache lookup; ./admission.ts);
 * 2. a prompt-cache hit is replayed at full speed (./cached-answer.ts); otherwise the routes are tried with fallback
 *    before the first byte (./route-trial.ts), and the answer goes back as JSON (./json-answer.ts) or as a stream
 *    (./stream-answer.ts), rendered through the surface;
 * 3. after the response, through `waitUntil` and exactly once on every path, the request is finished
 *    (./request-finisher.ts): usage record queued, slots released, credit reservation squared, cache entry stored.
 */
import { computeCost } from "../catalog/pricing.ts";
import type { ModelEntry } from "../catalog/types.ts";
import { GatewayError } from "../errors.ts";
import { estimateUsage } from "../lib/estimate-usage.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import { rateLimitHeaders } from "../services/hot-path/admission.ts";
import { preferencesKey, type RoutingPreferences } from "../services/routing/routing-preferences.ts";
import type { NativeForward } from "../surfaces/native-forward.ts";
import type { Surface } from "../surfaces/types.ts";
import { admitChat, beforeAdmission, readmitAsMiss } from "./admission.ts";
import { answerFromCache } from "./cached-answer.ts";
import type { ChatRun, ChatScope } from "./chat-scope.ts";
import { answerJson } from "./json-answer.ts";
import { apiTypeOf, createRequestFinisher } from "./request-finisher.ts";
import { requireModel } from "./resolve-model.ts";
import { tryRoutes } from "./route-trial.ts";
import { planRouting } from "./routing-plan.ts";
import { answerStream } from "./stream-answer.ts";

/** The usage row's status for a request whose client hung up before any answer (nginx's "client closed request"). */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * `native`: when a route's provider speaks the client's own API, the client's body is forwarded as is and the answer
 * returned as is but for the cost in its usage (read in its own dialect: surfaces/native-forward.ts), instead of
 * translating both ways.
 * `routing`: the request's `models` / `provider` preferences (services/routing/routing-preferences.ts), if any.
 */
export async function handleChat(
  scope: ChatScope,
  request: ChatCompletionRequest,
  surface: Surface,
  native?: NativeForward,
  routing?: RoutingPreferences | null,
): Promise<Response> {
  const answerModelId = request.model;
  const { model, plan, nativeBody } = await beforeAdmission(scope, async () => {
    // A catalog id or one of the key's aliases (./resolve-model.ts); 404 for an unknown id, 400 for an embedding model.
    const { model, alias } = await requireModel(scope, answerModelId);
    // From here on the request names the catalog model (prompt-cache key, upstream body); the answer keeps the alias.
    if (alias) request = { ...request, model: model.id };
    // Throws a 400 for max_tokens above a candidate model's limit: after the key check, like every body error.
    const plan = planRouting(request, model, routing ?? null, new Date(scope.meta.startedAt));
    const nativeRoute =
      native && plan.models.some((entry) => entry.routes.some((route) => route.provider === native.provider));
    return { model, plan, nativeBody: nativeRoute ? native.body : undefined };
  });
  const price = plan.priceOf(model);
  const reservation = plan.reservation;
  const stream = request.stream === true;
  const routingKey = routing ? preferencesKey(routing) : undefined;
  const { admission: admitted, cache } = await admitChat(scope, request, surface, reservation, nativeBody, routingKey);
  let admission = admitted;
  const finisherFor = (current: typeof admission) =>
    createRequestFinisher(scope, current, {
      modelId: model.id,
      stream,
      priceVersion: price.version,
      apiType: apiTypeOf(surface),
    });
  const run: ChatRun = {
    scope,
    request,
    surface,
    native,
    model,
    answerModelId,
    price,
    routing: plan,
    stream,
    cache,
    finisher: finisherFor(admission),
    headers: {
      ...rateLimitHeaders(admission.rateLimit),
      "x-request-id": scope.meta.requestId,
      "x-omnizen-cache": cache.status,
    },
    // Only for an estimate, when an upstream reports no usage: not serialized on the way of every request.
    promptCharacters: () => JSON.stringify(request.messages).length,
    // At the price of the model that answers (a fallback model's own, once the run has switched to it).
    cost: (usage: NormalizedUsage) => computeCost(usage, run.price).microUsd,
    costOf: (usage: NormalizedUsage) => computeCost(usage, run.price),
  };
  const tryModel = (candidate: ModelEntry) => {
    if (candidate === run.model) return;
    // The answer names the model that answers: the id the client sent (maybe an alias), or a fallback model's own.
    run.answerModelId = candidate === model ? answerModelId : candidate.id;
    run.model = candidate;
    run.price = plan.priceOf(candidate);
    run.finisher.setModel(candidate.id, run.price.version);
  };

  // A client that hangs up before the response is returned (while the upstream prepares its headers, or a non-stream
  // answer) cancels this handler: no later line runs, so the upstream call is aborted and the request finished here,
  // billed as an estimate of its prompt (the upstream has read it). Once a stream is returned, its body takes over.
  let attempting: ProviderId = model.routes[0]?.provider ?? "openai";
  const upstreamCancel = new AbortController();
  const onClientGone = () => {
    upstreamCancel.abort();
    const usage = estimateUsage(run.promptCharacters(), 0);
    run.finisher.finish({
      provider: attempting,
      usage,
      costMicroUsd: run.cost(usage),
      status: "cancelled",
      httpStatus: CLIENT_CLOSED_REQUEST,
      firstTokenAt: null,
    });
  };
  scope.clientSignal?.addEventListener("abort", onClientGone, { once: true });

  try {
    if (admission.cachedEntry && cache.key) {
      const served = await answerFromCache(run, admission.cachedEntry, cache.key);
      if (served) return served;
      // An entry that fails to decrypt is a miss: admitted again (a slot; counted and reserved once) before the
      // upstream is called. Its answer then overwrites the entry.
      admission = await readmitAsMiss(admission);
      run.finisher = finisherFor(admission);
      run.headers["x-omnizen-cache"] = "MISS";
    }
    const chosen = await tryRoutes(run, admission.auth.allowedJurisdictions, upstreamCancel.signal, (candidate) => {
      attempting = candidate.route.provider;
      tryModel(candidate.model);
    });
    run.headers["x-omnizen-provider"] = chosen.candidate.route.provider;
    // A fallback model's answer is not stored: a cache hit replays as the request's own model (docs/routing.md).
    if (chosen.candidate.model !== model) run.cache = { ...run.cache, key: null };
    const body = chosen.response.body;
    return stream && body ? answerStream(run, chosen, body) : await answerJson(run, chosen);
  } catch (error) {
    run.finisher.fail(error instanceof GatewayError ? error.status : 500);
    throw error;
  } finally {
    scope.clientSignal?.removeEventListener("abort", onClientGone);
  }
}
