/**
 * The OpenAI Responses surface (`POST /v1/responses`): internal OpenAI Chat Completions answers rendered as a
 * `Response` object or Responses SSE. One surface per request: the answer echoes the request's values and maps
 * function names back to the custom and namespaced tools they stand for. docs/responses.md.
 * https://platform.openai.com/docs/api-reference/responses
 *
 * The request side is `responsesRequestSchema` + `applyResponsesFieldPolicy` + `convertFromResponsesRequest`; errors
 * use the app's OpenAI error shape.
 */
import type { Surface } from "../types.ts";
import type { ResponsesContext } from "./render-responses-output.ts";
import { renderResponsesResponse } from "./render-responses-response.ts";
import { createResponsesStreamEncoder } from "./responses-stream-encoder.ts";

export function createResponsesSurface(context: ResponsesContext): Surface {
  return {
    name: "responses",
    renderJson: (body, usage, cost) => renderResponsesResponse(body, usage, cost, context),
    createStreamEncoder: (options) => createResponsesStreamEncoder(context, options.modelId),
  };
}
