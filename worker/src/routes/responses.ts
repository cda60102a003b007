/**
 * POST /v1/responses: the OpenAI Responses API in front of every catalog model (Codex and the official `openai` SDK),
 * streamed or not, translated onto the one chat pipeline as its third surface. Stateless: nothing is stored, so
 * `previous_response_id` and conversations are refused and the client sends the whole history (docs/responses.md).
 * The field policy (surfaces/responses/request-fields.ts) runs first, for every route.
 * https://platform.openai.com/docs/api-reference/responses/create
 *
 * `nativeForward` (optional): for models whose provider speaks the Responses API itself (OpenAI), a forward of the
 * policy-filtered body, as /v1/messages forwards to Anthropic; without it every model goes through the translation.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { findModel } from "../catalog/models.ts";
import { beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { resolveModel } from "../chat/resolve-model.ts";
import { handleChat } from "../chat/handle-chat.ts";
import { GatewayError } from "../errors.ts";
import { readJsonBody } from "./read-json-body.ts";
import { parseRoutingPreferences } from "../services/routing/routing-preferences.ts";
import type { NativeForward } from "../surfaces/native-forward.ts";
import { responsesNativeForward } from "../surfaces/responses/native-forward.ts";
import { convertFromResponsesRequest } from "../surfaces/responses/convert-from-responses-request.ts";
import { responsesRequestSchema, type ResponsesRequest } from "../surfaces/responses/parse-responses-request.ts";
import { applyResponsesFieldPolicy } from "../surfaces/responses/request-fields.ts";
import { createResponsesSurface } from "../surfaces/responses/responses-surface.ts";

/** Builds the native forward of a policy-filtered Responses body (plugged in where a provider speaks Responses). */
export type ResponsesNativeForward = (body: ResponsesRequest, clientHeaders: Headers) => NativeForward;

/** Chat Completions parameter names in a pipeline error, as the Responses fields the client sent. */
const RESPONSES_PARAMS: Readonly<Record<string, string>> = {
  response_format: "text.format",
  max_completion_tokens: "max_output_tokens",
  max_tokens: "max_output_tokens",
  reasoning_effort: "reasoning.effort",
  verbosity: "text.verbosity",
};

/** An adapter's refusal (it names the internal field) renamed to the field of this surface. */
function asResponsesError(error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.param === null) return error;
  const renamed = RESPONSES_PARAMS[error.param];
  if (!renamed) return error;
  const message = error.message.includes(error.param)
    ? error.message.replaceAll(error.param, renamed)
    : `${renamed}: ${error.message}`;
  return new GatewayError(error.code, message, {
    param: renamed,
    headers: error.headers,
    status: error.statusOverride,
    bodyExtras: error.bodyExtras,
  });
}

/** Retrieve, delete, cancel, input items, listing: each needs a stored response, and nothing is stored. */
function notStored(method: string, path: string): GatewayError {
  return new GatewayError(
    "not_found",
    `${method} ${path.slice(0, 200)} is not available: omnizen stores no responses (privacy policy 1.2). ` +
      "Keep the response the client received, and send the whole conversation in input.",
  );
}

export function createResponsesRoute(nativeForward?: ResponsesNativeForward) {
  return new Hono<AppEnv>()
    .post("/", (context) => answerResponse(context, nativeForward))
    .all("*", (context) => {
      throw notStored(context.req.method, context.get("meta").path);
    });
}

/** Validates, converts and answers one Responses request through the chat pipeline. */
async function answerResponse(context: Context<AppEnv>, nativeForward: ResponsesNativeForward | undefined) {
  const scope = chatScope(context);
  const { body, request, echo, owner, routing } = await beforeAdmission(scope, async () => {
    const read = await readJsonBody(context.req.raw, scope.config.MAX_REQUEST_BYTES, responsesRequestSchema);
    // OpenRouter's `models` / `provider` (docs/routing.md): read here, never forwarded (the policy drops them).
    const routing = parseRoutingPreferences(read, read.model);
    const body = applyResponsesFieldPolicy(read);
    // Reasoning is tagged with (and restored only for) the catalog model an id names, a key alias resolved (one Redis
    // read, only for an id outside the catalog), so re-pointing an alias never replays reasoning to another model.
    const named = findModel(body.model) ?? (await resolveModel(scope, body.model))?.model;
    const owner = { provider: named?.routes[0]?.provider ?? "", model: named?.id ?? body.model };
    return { body, owner, routing, ...convertFromResponsesRequest(body, owner) };
  });
  const surface = createResponsesSurface({
    echo,
    owner,
    requestId: scope.meta.requestId,
    createdAt: Math.floor(scope.meta.startedAt / 1000),
  });
  try {
    return await handleChat(scope, request, surface, nativeForward?.(body, scope.headers), routing);
  } catch (error) {
    throw asResponsesError(error);
  }
}

/** OpenAI-routed models get the body natively (OpenAI speaks the Responses API); every other model is translated. */
export const responsesRoute = createResponsesRoute((body) => responsesNativeForward(body));
