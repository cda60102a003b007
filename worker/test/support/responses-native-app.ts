/**
 * TEST-ONLY: the native Responses forward (surfaces/responses/native-forward.ts) through the real chat pipeline,
 * before the Responses surface's own route (routes/responses.ts, built in parallel) is merged. It adds a minimal
 * `POST /v1/responses` to the real app (every middleware, admission, limits, credit, usage) for models routed to
 * OpenAI only, AFTER the app's own routes: once the real route is merged it answers first and this one is never
 * reached (it passes `responsesNativeForward(body)` to handleChat the way messages.ts passes `anthropicNativeForward`).
 * Used in workerd by the integration tests (responses-native-harness.ts) and bundled by the Codex end-to-end test
 * (responses-native-entry.ts).
 */
import type { Hono } from "hono";
import type { AppEnv } from "../../src/app-env.ts";
import { createApp } from "../../src/app.ts";
import { chatScope } from "../../src/chat/chat-scope.ts";
import { handleChat } from "../../src/chat/handle-chat.ts";
import { GatewayError } from "../../src/errors.ts";
import { apiKeyAuth } from "../../src/middleware/api-key-auth.ts";
import { responsesNativeForward } from "../../src/surfaces/responses/native-forward.ts";
import type { Surface } from "../../src/surfaces/types.ts";

const encoder = new TextEncoder();

/** Only what a native route uses of a surface: its name (the cache key) and the error event of a cut-off stream. */
const nativeOnlySurface: Surface = {
  name: "responses",
  renderJson() {
    throw new Error("the test harness serves natively forwarded models only");
  },
  createStreamEncoder: () => ({
    chunk: () => [],
    usage: () => [],
    end: () => [],
    error: (error) => [
      encoder.encode(`event: error\ndata: ${JSON.stringify({ type: "error", ...error.toJSON() })}\n\n`),
    ],
  }),
};

export function responsesNativeHarnessApp(): Hono<AppEnv> {
  const app = createApp();
  app.use("/v1/responses", apiKeyAuth());
  app.post("/v1/responses", async (context) => {
    const body = (await context.req.json()) as Record<string, unknown>;
    if (typeof body.model !== "string" || !body.model.startsWith("openai/")) {
      throw new GatewayError("invalid_request", "The test harness serves openai/* models only.", { param: "model" });
    }
    const request = {
      model: body.model,
      stream: body.stream === true,
      messages: [{ role: "user" as const, content: JSON.stringify(body.input ?? "") }],
      ...(typeof body.max_output_tokens === "number" ? { max_completion_tokens: body.max_output_tokens } : {}),
    };
    return handleChat(chatScope(context), request, nativeOnlySurface, responsesNativeForward(body));
  });
  return app;
}
