/**
 * POST /v1/messages: the Anthropic Messages API in front of every catalog model (Claude Code style agents and the
 * official @anthropic-ai/sdk), streamed or not, with tools. Converted to the internal OpenAI shape at the edge and
 * rendered back as Anthropic Messages; errors in Anthropic's shape. Models routed to Anthropic itself are forwarded
 * natively (the body as the forwarding policy leaves it, the answer as received) so nothing is lost in translation.
 * The policy (surfaces/anthropic/request-fields.ts) runs first, for every route; the extension fields `models` and
 * `provider` are the routing preferences (docs/routing.md), never forwarded.
 * https://docs.anthropic.com/en/api/messages
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { beforeAdmission } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { handleChat } from "../chat/handle-chat.ts";
import { readJsonBody } from "./read-json-body.ts";
import { anthropicSurface } from "../surfaces/anthropic/anthropic-surface.ts";
import { convertFromAnthropicRequest } from "../surfaces/anthropic/convert-from-anthropic-request.ts";
import { anthropicNativeForward } from "../surfaces/anthropic/native-forward.ts";
import { anthropicRequestSchema } from "../surfaces/anthropic/parse-anthropic-request.ts";
import { applyMessagesFieldPolicy } from "../surfaces/anthropic/request-fields.ts";
import { parseRoutingPreferences } from "../services/routing/routing-preferences.ts";

export const messagesRoute = new Hono<AppEnv>().post("/", async (context) => {
  const scope = chatScope(context);
  const { body, request, routing } = await beforeAdmission(scope, async () => {
    const read = await readJsonBody(context.req.raw, scope.config.MAX_REQUEST_BYTES, anthropicRequestSchema);
    const routing = parseRoutingPreferences(read, read.model);
    const body = applyMessagesFieldPolicy(read);
    // Converting also validates the body for every route; Anthropic's own routes then get the body as sent.
    return { body, request: convertFromAnthropicRequest(body), routing };
  });
  return handleChat(scope, request, anthropicSurface, anthropicNativeForward(body, scope.headers), routing);
});
