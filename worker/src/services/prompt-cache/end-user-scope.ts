/**
 * The prompt cache's scope: the caller's API key, narrowed to the end user when the request names one, so that the
 * end users of one customer behind one key never receive each other's cached answers.
 *
 * | surface | field naming the end user |
 * |---|---|
 * | OpenAI Chat Completions | `user`, `safety_identifier` (its successor); both when both are sent |
 * | Anthropic Messages | `metadata.user_id` (converted to `user`: surfaces/anthropic/convert-from-anthropic-request.ts)
 * |
 *
 * A request without any of them shares the key's scope, as before. These fields stay out of the canonical request
 * (they do not change the answer); they change who may read it.
 */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";

const endUserId = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** `keyHash`, or `keyHash` plus the end-user ids when the request names any. Deterministic, unambiguous. */
export function cacheScope(keyHash: string, request: ChatCompletionRequest): string {
  const user = endUserId(request.user);
  const safetyIdentifier = endUserId(request.safety_identifier);
  if (user === null && safetyIdentifier === null) return keyHash;
  return `${keyHash}\nend-user:${JSON.stringify([user, safetyIdentifier])}`;
}
