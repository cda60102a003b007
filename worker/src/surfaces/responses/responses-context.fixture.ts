/** A Responses surface context for unit tests, built from a request body the way the route builds it. */
import { convertFromResponsesRequest } from "./convert-from-responses-request.ts";
import { responsesRequestSchema } from "./parse-responses-request.ts";
import type { AnswerOwner, ResponsesContext } from "./render-responses-output.ts";

export const TEST_OWNER: AnswerOwner = { provider: "anthropic", model: "anthropic/claude-haiku-5-5" };

export function responsesContext(
  body: Record<string, unknown> = {},
  owner: AnswerOwner = TEST_OWNER,
): ResponsesContext {
  const parsed = responsesRequestSchema.parse({ model: owner.model, input: "hi", ...body });
  const { echo } = convertFromResponsesRequest(parsed, { provider: owner.provider, model: owner.model });
  return { echo, owner, requestId: "req_abc", createdAt: 1_796_500_000 };
}
