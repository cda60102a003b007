/**
 * POST /v1/chat/completions: OpenAI Chat Completions, streamed or not, for every catalog model. Only the fields of
 * the forwarding policy (surfaces/openai/request-fields.ts) go further; `models` and `provider` are the routing
 * preferences (docs/routing.md).
 * https://platform.openai.com/docs/api-reference/chat/create
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { handleChat } from "../chat/handle-chat.ts";
import { chatCompletionRequestSchema } from "../lib/openai-types.ts";
import { readJsonBody } from "./read-json-body.ts";
import { openaiSurface } from "../surfaces/openai/openai-surface.ts";
import { applyChatFieldPolicy } from "../surfaces/openai/request-fields.ts";
import { parseRoutingPreferences } from "../services/routing/routing-preferences.ts";

export const chatCompletionsRoute = new Hono<AppEnv>().post("/", async (context) => {
  const scope = chatScope(context);
  const { request, routing } = await beforeAdmission(scope, async () => {
    const body = await readJsonBody(context.req.raw, scope.config.MAX_REQUEST_BYTES, chatCompletionRequestSchema);
    return { request: applyChatFieldPolicy(body), routing: parseRoutingPreferences(body, body.model) };
  });
  return handleChat(scope, request, openaiSurface, undefined, routing);
});
