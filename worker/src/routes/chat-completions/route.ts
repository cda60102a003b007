/**
 * POST /v1/chat/completions: OpenAI-compatible, streamed or not, for every catalog model whose provider has an
 * adapter. The usage row is written after the response through `waitUntil`, registered before the Response is
 * returned, exactly once whether the stream ends, fails or the client goes away.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { findModel } from "../../catalog/models.ts";
import type { ModelEntry, ModelRoute } from "../../catalog/types.ts";
import { providerConfig } from "../../env.ts";
import { GatewayError } from "../../errors.ts";
import { estimateUsage, generatedCharacters } from "../../lib/estimate-usage.ts";
import { chatCompletionRequestSchema } from "../../lib/openai-types.ts";
import { readJsonBody } from "../../lib/request-body.ts";
import { getAdapter } from "../../providers/index.ts";
import type { ChatContext, ProviderAdapter } from "../../providers/types.ts";
import { writeRequestRecord, type RequestRecord } from "../../services/request-recorder.ts";
import { createStreamResponseBody } from "./stream-response.ts";

export const chatCompletionsRoute = new Hono<AppEnv>().post("/", async (context) => {
  const config = context.get("config");
  const request = await readJsonBody(context.req.raw, config.MAX_REQUEST_BYTES, chatCompletionRequestSchema);
  const model = findModel(request.model);
  if (!model) {
    throw new GatewayError("model_not_found", `The model '${request.model.slice(0, 100)}' does not exist; GET /v1/models lists them.`, { param: "model" });
  }
  const { route, adapter, chat } = selectRoute(context, model, request);
  const promptCharacters = JSON.stringify(request.messages).length;
  const record = (partial: Omit<RequestRecord, "model" | "route">) =>
    context.executionCtx.waitUntil(writeRequestRecord(context, { model, route, ...partial }));

  const upstreamRequest = adapter.buildChatRequest(chat);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new GatewayError("upstream_timeout", "The upstream provider did not answer in time.")), config.UPSTREAM_TIMEOUT_MS);
  let upstream: Response;
  try {
    upstream = await fetch(upstreamRequest.url, { method: "POST", headers: upstreamRequest.headers, body: upstreamRequest.body, signal: abort.signal });
  } catch (error) {
    const failure = abort.signal.reason instanceof GatewayError ? abort.signal.reason
      : new GatewayError("upstream_unavailable", `The upstream provider (${route.provider}) could not be reached.`, { cause: error });
    record({ usage: estimateUsage(0, 0), status: "error", httpStatus: failure.status, stream: Boolean(request.stream), firstTokenAt: null });
    throw failure;
  } finally {
    clearTimeout(timer);
  }

  if (!upstream.ok) {
    const failure = adapter.mapError(upstream.status, upstream.headers, await upstream.text().catch(() => ""), chat);
    record({ usage: estimateUsage(0, 0), status: "error", httpStatus: failure.status, stream: Boolean(request.stream), firstTokenAt: null });
    throw failure;
  }

  if (!request.stream || !upstream.body) {
    const { body, usage } = adapter.parseChatResponse(await upstream.json().catch(() => null), chat);
    record({
      usage: usage ?? estimateUsage(promptCharacters, generatedCharacters(body.choices)),
      status: "ok", httpStatus: 200, stream: false, firstTokenAt: null,
    });
    return context.json(body);
  }

  let settle: (record: Omit<RequestRecord, "model" | "route">) => void = () => undefined;
  const settled = new Promise<Omit<RequestRecord, "model" | "route">>((resolve) => (settle = resolve));
  context.executionCtx.waitUntil(settled.then((partial) => writeRequestRecord(context, { model, route, ...partial })));
  const body = createStreamResponseBody({
    upstreamBody: upstream.body,
    translator: adapter.createStreamTranslator(chat),
    includeUsage: request.stream_options?.include_usage === true,
    abortUpstream: () => abort.abort(),
    onSettled: (outcome) =>
      settle({
        usage: outcome.usage ?? estimateUsage(promptCharacters, outcome.generatedCharacters),
        status: outcome.status,
        httpStatus: 200,
        stream: true,
        firstTokenAt: outcome.firstTokenAt,
      }),
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": context.get("requestId") },
  });
});

function selectRoute(context: Context<AppEnv>, model: ModelEntry, request: ChatContext["request"]): { route: ModelRoute; adapter: ProviderAdapter; chat: ChatContext } {
  const config = context.get("config");
  for (const route of model.routes) {
    const adapter = getAdapter(route.provider);
    const provider = providerConfig(config, route.provider);
    if (!adapter || !provider.apiKey) continue;
    const target = { apiKey: provider.apiKey, baseUrl: provider.baseUrl ?? adapter.defaultBaseUrl };
    return { route, adapter, chat: { request, modelId: model.id, route, target } };
  }
  throw new GatewayError("provider_not_configured", `No upstream for '${model.id}' is configured on this gateway.`);
}
