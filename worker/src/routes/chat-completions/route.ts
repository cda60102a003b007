/**
 * POST /v1/chat/completions: OpenAI Chat Completions, streamed or not, for every catalog model. Only the fields of
 * the forwarding policy (surfaces/openai/request-fields.ts) go further.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { chatCompletionRequestSchema } from "../../lib/openai-types.ts";
import { readJsonBody } from "../../lib/request-body.ts";
import { openaiSurface } from "../../surfaces/openai/openai-surface.ts";
import { applyChatFieldPolicy } from "../../surfaces/openai/request-fields.ts";
import { beforeAdmission } from "../admit-chat.ts";
import { dispatchChat } from "../dispatch-chat.ts";

export const chatCompletionsRoute = new Hono<AppEnv>().post("/", async (context) => {
  const request = await beforeAdmission(context, async () =>
    applyChatFieldPolicy(await readJsonBody(context.req.raw, context.get("config").MAX_REQUEST_BYTES, chatCompletionRequestSchema)),
  );
  return dispatchChat(context, request, openaiSurface);
});
