/**
 * POST /v1/messages/count_tokens for every catalog model (and key alias). Claude Code calls it every turn, so a valid
 * body never gets a 400 for its model. The answer says how the count was made in `x-omnizen-token-count`:
 *
 * | the model's first allowed route | count | header |
 * |---|---|---|
 * | Anthropic | the body forwarded natively to Anthropic's count_tokens | `exact` |
 * | Gemini | the converted request (system, tools) sent to Gemini's `countTokens` | `exact` |
 * | any other provider (no count endpoint), or no route configured | `estimatePromptTokens` over the converted chat
 * request (messages incl. system, tool calls and results, tool schemas): 1 token per 3 ASCII characters, 2 per other
 * character, a fixed allowance per image; generous on purpose, so an agent compacts early rather than overflows |
 * `estimated` |
 *
 * An exact count's upstream error is mapped as on /v1/messages. Counting calls no model: admission checks the key and
 * limits only (`admitWithoutCompletion`). https://docs.anthropic.com/en/api/messages-count-tokens
 * https://ai.google.dev/api/tokens
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { admitWithoutCompletion, beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { requireModel } from "../chat/resolve-model.ts";
import type { Config } from "../env.ts";
import { GatewayError } from "../errors.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { geminiCountTokensRequest, readGeminiTokenCount } from "../providers/gemini/gemini-count-tokens.ts";
import { mapUpstreamError, readUpstreamMessage } from "../providers/map-upstream-error.ts";
import type { ProviderId } from "../providers/provider-ids.ts";
import type { UpstreamRequest } from "../providers/types.ts";
import { estimatePromptTokens } from "../services/hot-path/prompt-tokens.ts";
import { selectRoutes, type RouteCandidate } from "../services/route-selection.ts";
import { convertFromAnthropicRequest } from "../surfaces/anthropic/convert-from-anthropic-request.ts";
import { anthropicNativeForward } from "../surfaces/anthropic/native-forward.ts";
import { anthropicRequestSchema } from "../surfaces/anthropic/parse-anthropic-request.ts";
import { readJsonBody } from "./read-json-body.ts";

const countTokensSchema = anthropicRequestSchema.omit({ max_tokens: true });

/** The response header naming how the count was made. */
export const TOKEN_COUNT_HEADER = "x-omnizen-token-count";

export const countTokensRoute = new Hono<AppEnv>().post("/", async (context) => {
  const scope = chatScope(context);
  const { config } = scope;
  const { body, model, chat } = await beforeAdmission(scope, async () => {
    const body = await readJsonBody(context.req.raw, config.MAX_REQUEST_BYTES, countTokensSchema);
    const { model } = await requireModel(scope, body.model);
    // Converting validates the body for every model, as /v1/messages does; max_tokens plays no part in a count.
    const chat = { ...convertFromAnthropicRequest({ ...body, max_tokens: 1 }), model: model.id };
    return { body, model, chat };
  });
  const admission = await admitWithoutCompletion(scope);
  const candidate = selectRoutes(config, model, admission.auth.allowedJurisdictions)[0];
  const answer = (inputTokens: number, how: "exact" | "estimated") =>
    context.json({ input_tokens: inputTokens }, 200, { [TOKEN_COUNT_HEADER]: how });

  if (candidate?.route.provider === "anthropic") {
    const upstream = anthropicNativeForward(body, context.req.raw.headers).buildRequest(
      candidate.route,
      candidate.target,
    );
    const url = upstream.url.replace(/\/v1\/messages$/, "/v1/messages/count_tokens");
    const json = await fetchCount(config, candidate, { ...upstream, url });
    const counted = (json as { input_tokens?: unknown } | null)?.input_tokens;
    if (typeof counted !== "number") throw unreadable("anthropic");
    return answer(counted, "exact");
  }
  if (candidate?.route.provider === "gemini") {
    const generate = candidate.adapter.buildChatRequest({
      request: { ...chat, stream: false },
      modelId: model.id,
      upstreamModel: candidate.route.upstreamModel,
      target: candidate.target,
    });
    const json = await fetchCount(config, candidate, geminiCountTokensRequest(generate, candidate.route.upstreamModel));
    const counted = readGeminiTokenCount(json);
    if (counted === null) throw unreadable("gemini");
    return answer(counted, "exact");
  }
  return answer(estimateChatPromptTokens(chat), "estimated");
});

/** The generous prompt estimate (services/hot-path/prompt-tokens.ts) over what the upstream would read. */
export function estimateChatPromptTokens(request: ChatCompletionRequest): number {
  return estimatePromptTokens(request.messages, request.tools ?? []);
}

const unreadable = (provider: ProviderId) =>
  new GatewayError("upstream_error", `The upstream provider (${provider}) sent an unreadable count.`);

/** Sends a count request; its JSON answer, or the upstream's error mapped (never its body or our key). */
async function fetchCount(config: Config, candidate: RouteCandidate, upstream: UpstreamRequest): Promise<unknown> {
  const provider = candidate.route.provider;
  const response = await fetch(upstream.url, {
    method: "POST",
    headers: upstream.headers,
    body: upstream.body,
    signal: AbortSignal.timeout(config.UPSTREAM_TIMEOUT_MS),
  }).catch((cause: unknown) => {
    throw new GatewayError("upstream_unavailable", `The upstream provider (${provider}) could not be reached.`, {
      cause,
    });
  });
  const text = await response.text();
  if (!response.ok) {
    throw mapUpstreamError({
      provider,
      status: response.status,
      headers: response.headers,
      upstreamMessage: readUpstreamMessage(text),
      apiKey: candidate.target.apiKey,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw unreadable(provider);
  }
}
