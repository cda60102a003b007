/**
 * The internal (OpenAI) non-streamed answer rendered as an Anthropic `Message`.
 * https://docs.anthropic.com/en/api/messages (response)
 */
import type { ContentBlock, Message, Usage } from "@anthropic-ai/sdk/resources/messages";
import { usageCostFields, type RequestCost, type UsageCostFields } from "../../lib/cost.ts";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { mapFinishReason, matchedStopSequence } from "./map-finish-reason.ts";

type Json = Record<string, unknown>;

/** Anthropic's `Message` with what the request is billed in its usage (docs/api.md, "Cost"). */
export type MessageWithCost = Message & { usage: Usage & UsageCostFields };

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `{type: "message", role: "assistant", id: "msg_" + body.id, model: modelId, content, stop_reason, usage}` with the
 * content blocks in Anthropic's order: thinking (from `reasoning_content`, with an empty signature: omnizen cannot
 * sign), text, then one `tool_use` per tool call. Never throws on upstream content: tool arguments that are not a
 * JSON object become `{}`. Usage follows Anthropic's split: `input_tokens` excludes cache reads and writes; it carries
 * OpenRouter-style `cost` and `cost_details` (USD) beside the token counts.
 */
export function renderAnthropicMessage(
  body: ChatCompletion,
  usage: NormalizedUsage,
  modelId: string,
  cost: RequestCost,
): MessageWithCost {
  const choice = body.choices[0];
  const message = isObject(choice?.message) ? choice.message : {};
  const content: ContentBlock[] = [];

  if (typeof message.reasoning_content === "string" && message.reasoning_content !== "") {
    content.push({ type: "thinking", thinking: message.reasoning_content, signature: "" });
  }
  const text = textOf(message.content) || (typeof message.refusal === "string" ? message.refusal : "");
  if (text !== "") content.push({ type: "text", text, citations: null });
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
  for (const toolCall of toolCalls) {
    const functionCall = isObject(toolCall.function) ? toolCall.function : {};
    content.push({
      type: "tool_use",
      id: toolUseId(toolCall.id),
      name: typeof functionCall.name === "string" ? functionCall.name : "",
      input: parseToolInput(functionCall.arguments),
      caller: { type: "direct" },
    });
  }

  const stop = mapFinishReason(choice?.finish_reason, {
    hasToolCalls: toolCalls.length > 0,
    matchedStopSequence: matchedStopSequence(choice),
  });
  return {
    id: anthropicMessageId(body.id),
    type: "message",
    role: "assistant",
    model: modelId,
    content,
    stop_reason: stop.stopReason,
    stop_sequence: stop.stopSequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: { ...renderAnthropicUsage(usage), ...usageCostFields(cost) },
  };
}

/** Anthropic's usage split from the normalised usage (`input_tokens` excludes cache reads/writes:
 * https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching). */
export function renderAnthropicUsage(usage: NormalizedUsage): Usage {
  return {
    input_tokens: usage.inputUncached,
    cache_creation_input_tokens: usage.cacheWrite,
    cache_read_input_tokens: usage.cacheRead,
    output_tokens: usage.output,
    output_tokens_details: usage.reasoning > 0 ? { thinking_tokens: usage.reasoning } : null,
    cache_creation: null,
    inference_geo: null,
    server_tool_use: null,
    service_tier: null,
    speed: null,
  };
}

/** `msg_` + the upstream id (not doubled when the upstream id already is an Anthropic message id). */
export function anthropicMessageId(id: unknown): string {
  const text = typeof id === "string" && id !== "" ? id : crypto.randomUUID().replaceAll("-", "");
  return text.startsWith("msg_") ? text : `msg_${text}`;
}

/** The upstream tool call id (Anthropic clients echo it back in `tool_result`); a fresh one if it has none. */
export function toolUseId(id: unknown): string {
  return typeof id === "string" && id !== "" ? id : `toolu_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Tool arguments as the `input` object; anything that is not a JSON object (or no JSON at all) becomes `{}`. */
export function parseToolInput(argumentsText: unknown): Json {
  if (isObject(argumentsText)) return argumentsText;
  if (typeof argumentsText !== "string" || argumentsText.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isObject)
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
