/**
 * POST /v1/messages/count_tokens: exact counts come only from the upstream that will bill them, so this is offered
 * for models routed to Anthropic (forwarded natively to its count_tokens endpoint); for other models it answers 400
 * rather than guess. https://docs.anthropic.com/en/api/messages-count-tokens
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { admitWithoutCompletion, beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { findModel } from "../catalog/models.ts";
import { GatewayError } from "../errors.ts";
import { mapUpstreamError, readUpstreamMessage } from "../providers/map-upstream-error.ts";
import { readJsonBody } from "./read-json-body.ts";
import { selectRoutes } from "../services/route-selection.ts";
import { anthropicNativeForward } from "../surfaces/anthropic/native-forward.ts";
import { anthropicRequestSchema } from "../surfaces/anthropic/parse-anthropic-request.ts";

const countTokensSchema = anthropicRequestSchema.omit({ max_tokens: true });

export const countTokensRoute = new Hono<AppEnv>().post("/", async (context) => {
  const scope = chatScope(context);
  const { config } = scope;
  const { body, model } = await beforeAdmission(scope, async () => {
    const body = await readJsonBody(context.req.raw, config.MAX_REQUEST_BYTES, countTokensSchema);
    const model = findModel(body.model);
    if (!model)
      throw new GatewayError("model_not_found", `The model '${body.model.slice(0, 100)}' does not exist.`, {
        param: "model",
      });
    return { body, model };
  });
  const admission = await admitWithoutCompletion(scope);
  const candidate = selectRoutes(config, model, admission.auth.allowedJurisdictions).find(
    (entry) => entry.route.provider === "anthropic",
  );
  if (!candidate) {
    throw new GatewayError(
      "invalid_request",
      `Token counting is available for models routed to Anthropic; '${model.id}' is not.`,
      { param: "model" },
    );
  }
  const upstream = anthropicNativeForward(body, context.req.raw.headers).buildRequest(
    candidate.route,
    candidate.target,
  );
  const response = await fetch(upstream.url.replace(/\/v1\/messages$/, "/v1/messages/count_tokens"), {
    method: "POST",
    headers: upstream.headers,
    body: upstream.body,
    signal: AbortSignal.timeout(config.UPSTREAM_TIMEOUT_MS),
  }).catch((cause: unknown) => {
    throw new GatewayError("upstream_unavailable", "The upstream provider (anthropic) could not be reached.", {
      cause,
    });
  });
  const text = await response.text();
  if (!response.ok) {
    throw mapUpstreamError({
      provider: "anthropic",
      status: response.status,
      headers: response.headers,
      upstreamMessage: readUpstreamMessage(text),
      apiKey: candidate.target.apiKey,
    });
  }
  const parsed = JSON.parse(text) as { input_tokens?: unknown };
  if (typeof parsed.input_tokens !== "number")
    throw new GatewayError("upstream_error", "The upstream provider (anthropic) sent an unreadable count.");
  return context.json({ input_tokens: parsed.input_tokens });
});
