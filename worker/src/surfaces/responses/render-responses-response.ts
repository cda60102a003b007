/**
 * The internal (OpenAI Chat Completions) non-streamed answer rendered as an OpenAI `Response` object, by the table in
 * render-responses-output.ts. https://platform.openai.com/docs/api-reference/responses/object
 */
import type { RequestCost } from "../../lib/cost.ts";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import {
  callItem,
  isObject,
  itemId,
  messageItem,
  outcomeOf,
  reasoningItem,
  renderUsage,
  responseEnvelope,
  thoughtSignatureOf,
  type ResponsesContext,
} from "./render-responses-output.ts";

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isObject)
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/** Output items in order: reasoning, message, then one call item per tool call. Never throws on upstream content. */
export function renderResponsesResponse(
  body: ChatCompletion,
  usage: NormalizedUsage,
  cost: RequestCost,
  context: ResponsesContext,
): Json {
  const choice = body.choices[0];
  const message = isObject(choice?.message) ? choice.message : {};
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
  const output: Json[] = [];
  const next = (prefix: "msg" | "rs" | "fc" | "ctc") => itemId(prefix, context.requestId, output.length);

  const reasoningText = typeof message.reasoning_content === "string" ? message.reasoning_content : "";
  const signature = typeof message.reasoning_signature === "string" ? message.reasoning_signature : undefined;
  const toolSignatures: Record<string, string> = {};
  for (const toolCall of toolCalls) {
    const thought = thoughtSignatureOf(toolCall);
    if (thought && typeof toolCall.id === "string") toolSignatures[toolCall.id] = thought;
  }
  if (reasoningText !== "" || signature || Object.keys(toolSignatures).length > 0) {
    output.push(reasoningItem(next("rs"), { text: reasoningText, signature, toolSignatures }, context));
  }
  const text = textOf(message.content) || (typeof message.refusal === "string" ? message.refusal : "");
  if (text !== "") output.push(messageItem(next("msg"), text, "completed"));
  for (const toolCall of toolCalls) {
    const functionCall = isObject(toolCall.function) ? toolCall.function : {};
    const callId =
      typeof toolCall.id === "string" && toolCall.id !== ""
        ? toolCall.id
        : `call_${crypto.randomUUID().replaceAll("-", "")}`;
    const name = typeof functionCall.name === "string" ? functionCall.name : "";
    const argumentsText =
      typeof functionCall.arguments === "string"
        ? functionCall.arguments
        : JSON.stringify(functionCall.arguments ?? {});
    const item = callItem("", { callId, name, arguments: argumentsText }, context.echo.toolNames, "completed");
    item.id = next(item.type === "custom_tool_call" ? "ctc" : "fc");
    output.push(item);
  }
  const outcome = outcomeOf(choice?.finish_reason);
  return responseEnvelope(context, { ...outcome, output, usage: renderUsage(usage, cost), model: body.model });
}
