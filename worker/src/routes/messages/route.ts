/**
 * POST /v1/messages: the Anthropic Messages API in front of every catalog model (Claude Code style agents and the
 * official @anthropic-ai/sdk), streamed or not, with tools. Converted to the internal OpenAI shape at the edge and
 * rendered back as Anthropic Messages; errors in Anthropic's shape.
 * https://docs.anthropic.com/en/api/messages
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { readJsonBody } from "../../lib/request-body.ts";
import { anthropicSurface } from "../../surfaces/anthropic/anthropic-surface.ts";
import { convertAnthropicRequest } from "../../surfaces/anthropic/convert-anthropic-request.ts";
import { anthropicRequestSchema } from "../../surfaces/anthropic/parse-anthropic-request.ts";
import { dispatchChat } from "../dispatch-chat.ts";

export const messagesRoute = new Hono<AppEnv>().post("/", async (context) => {
  const body = await readJsonBody(context.req.raw, context.get("config").MAX_REQUEST_BYTES, anthropicRequestSchema);
  return dispatchChat(context, convertAnthropicRequest(body), anthropicSurface);
});
