/**
 * The one chat pipeline behind every surface: model lookup, route selection (jurisdiction, configured providers),
 * fallback across routes before the first byte, the upstream call, and rendering through the surface. The usage
 * row is written after the response through `waitUntil`, registered before the Response is returned, exactly once
 * whether the answer completes, fails or the client goes away.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { findModel } from "../catalog/models.ts";
import { GatewayError } from "../errors.ts";
import { estimateUsage, generatedCharacters } from "../lib/estimate-usage.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import type { ChatContext } from "../providers/types.ts";
import { writeRequestRecord, type RequestRecord } from "../services/request-recorder.ts";
import { selectRoutes, type RouteCandidate } from "../services/route-selection.ts";
import type { NativeForward } from "../surfaces/anthropic/native-forward.ts";
import type { Surface } from "../surfaces/types.ts";
import { createStreamResponseBody } from "./chat-completions/stream-response.ts";
import { createPassthroughStreamBody } from "./passthrough-stream.ts";
import { attemptUpstream } from "./upstream-attempt.ts";

type Settlement = Omit<RequestRecord, "model" | "route">;

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
  const model = findModel(request.model);
  if (!model) {
    throw new GatewayError("model_not_found", `The model '${request.model.slice(0, 100)}' does not exist; GET /v1/models lists them.`, { param: "model" });
  }
  const candidates = selectRoutes(config, model, context.get("auth").allowedJurisdictions);
  const stream = request.stream === true;
  const promptCharacters = JSON.stringify(request.messages).length;
  const record = (candidate: RouteCandidate, settlement: Settlement) =>
    context.executionCtx.waitUntil(writeRequestRecord(context, { model, route: candidate.route, ...settlement }));

  let chosen: { candidate: RouteCandidate; chat: ChatContext; response: Response; abort: AbortController; isNative: boolean } | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const chat: ChatContext = { request, modelId: model.id, route: candidate.route, target: candidate.target };
    const isNative = native?.provider === candidate.route.provider;
    const nativeRequest = isNative ? native?.buildRequest(candidate.route, candidate.target) : undefined;
    const attempt = await attemptUpstream(candidate, chat, config.UPSTREAM_TIMEOUT_MS, nativeRequest);
    if (attempt.ok) {
      chosen = { candidate, chat, response: attempt.response, abort: attempt.abort, isNative };
      break;
    }
    if (!attempt.retryable || index === candidates.length - 1) {
      record(candidate, { usage: estimateUsage(0, 0), status: "error", httpStatus: attempt.error.status, stream, firstTokenAt: null });
      throw attempt.error;
    }
  }
  if (!chosen) throw new GatewayError("internal_error", "No upstream route was attempted.");
  const { candidate, chat, response, abort, isNative } = chosen;
  const headers = { "x-request-id": context.get("requestId"), "x-omnizen-provider": candidate.route.provider };

  if (!stream || !response.body) {
    const json: unknown = await response.json().catch(() => null);
    const { body, usage } = candidate.adapter.parseChatResponse(json, chat);
    const settledUsage = usage ?? estimateUsage(promptCharacters, generatedCharacters(body.choices));
    record(candidate, { usage: settledUsage, status: "ok", httpStatus: 200, stream: false, firstTokenAt: null });
    const rendered = isNative && native ? native.renderJson(json, model.id) : surface.renderJson(body, settledUsage);
    return Response.json(rendered, { headers });
  }

  let settle: (settlement: Settlement) => void = () => undefined;
  const settled = new Promise<Settlement>((resolve) => (settle = resolve));
  context.executionCtx.waitUntil(settled.then((settlement) => writeRequestRecord(context, { model, route: candidate.route, ...settlement })));
  const createBody = isNative ? createPassthroughStreamBody : createStreamResponseBody;
  const body = createBody({
    upstreamBody: response.body,
    translator: candidate.adapter.createStreamTranslator(chat),
    encoder: surface.createStreamEncoder({
      includeUsage: request.stream_options?.include_usage === true,
      modelId: model.id,
      requestId: context.get("requestId"),
    }),
    abortUpstream: () => abort.abort(),
    onSettled: (outcome) =>
      settle({
        usage: outcome.usage ?? estimateUsage(promptCharacters, outcome.generatedCharacters),
        status: outcome.status,
        httpStatus: outcome.error?.status ?? 200,
        stream: true,
        firstTokenAt: outcome.firstTokenAt,
      }),
  });
  return new Response(body, { headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}
