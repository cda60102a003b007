/**
 * A non-streamed OpenAI Responses API answer (`Response`), read for the pipeline: its usage and the size of what it
 * generated (an estimate when it reports no usage). A `failed` response is the upstream's failure.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
import { GatewayError } from "../../errors.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { convertResponsesUsage } from "./convert-from-responses-usage.ts";
import { responsesFailure, responsesFinishReason } from "./responses-stream-translator.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const length = (value: unknown): number => (typeof value === "string" ? value.length : 0);

export interface ResponsesAnswer {
  usage: NormalizedUsage | null;
  generatedCharacters: number;
  reasoningCharacters: number;
  /** In OpenAI chat terms (`stop`, `tool_calls`, `length`, `content_filter`). */
  finishReason: string;
}

/** Throws GatewayError for an answer that is not a Response, or a failed one. */
export function readResponsesAnswer(json: unknown): ResponsesAnswer {
  if (!isObject(json) || json.object !== "response" || !Array.isArray(json.output)) {
    throw new GatewayError("upstream_error", "The upstream provider (openai) sent an unreadable response.");
  }
  if (json.status === "failed") throw responsesFailure(json.error);
  let text = 0;
  let reasoning = 0;
  for (const item of json.output) {
    if (!isObject(item)) continue;
    if (item.type === "reasoning") {
      for (const part of [...asArray(item.summary), ...asArray(item.content)]) {
        if (isObject(part)) reasoning += length(part.text);
      }
      continue;
    }
    for (const part of asArray(item.content)) if (isObject(part)) text += length(part.text);
    text += length(item.arguments) + length(item.input);
  }
  return {
    usage: isObject(json.usage) ? convertResponsesUsage(json.usage) : null,
    generatedCharacters: text + reasoning,
    reasoningCharacters: reasoning,
    finishReason: responsesFinishReason(json),
  };
}
