/**
 * TEST-ONLY: the native Responses forward (surfaces/responses/native-forward.ts) through the real chat pipeline,
 * before the Responses surface's own route (routes/responses.ts, built in parallel) is merged. It mounts a minimal
 * `POST /v1/responses` on the real app (every middleware, admission, limits, credit, usage) for models routed to
 * OpenAI only; the real route replaces this once merged (it passes `responsesNativeForward(body)` to handleChat the
 * way messages.ts passes `anthropicNativeForward`). Answers through `fetch` inside workerd, like SELF.
 */
import { createExecutionContext, env } from "cloudflare:test";
import OpenAI from "openai";
import { createApp } from "../../src/app.ts";
import { chatScope } from "../../src/chat/chat-scope.ts";
import { handleChat } from "../../src/chat/handle-chat.ts";
import { GatewayError } from "../../src/errors.ts";
import { apiKeyAuth } from "../../src/middleware/api-key-auth.ts";
import { responsesNativeForward } from "../../src/surfaces/responses/native-forward.ts";
import type { Surface } from "../../src/surfaces/types.ts";
import { GATEWAY } from "./gateway.ts";

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

function harnessApp() {
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

/** Calls the harness. The request's `waitUntil` work (usage, slots) runs on; tests wait for its usage row. */
export function harnessFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input instanceof URL ? input.href : input, init);
  return Promise.resolve(harnessApp().fetch(request, env, createExecutionContext()));
}

/** The official client on the harness; `requestIds` collects each answer's `x-request-id` (streams included). */
export function harnessOpenAI(apiKey: string, requestIds: string[] = []): OpenAI {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await harnessFetch(input, init);
    requestIds.push(response.headers.get("x-request-id") ?? "");
    return response;
  };
  return new OpenAI({ apiKey, baseURL: `${GATEWAY}/v1`, maxRetries: 0, fetch });
}
