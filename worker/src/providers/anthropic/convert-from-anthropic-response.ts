/**
 * An Anthropic Message -> an OpenAI ChatCompletion.
 * https://docs.anthropic.com/en/api/messages (response)
 *
 * | Anthropic content block | OpenAI message field |
 * |---|---|
 * | `text` (joined) | `content` (null when there is no text) |
 * | `thinking` (joined) | `reasoning_content`; the last signature in `reasoning_signature` (send both back to continue
 * a tool loop with thinking) |
 * | `tool_use` | `tool_calls[]` `{id, type:"function", function:{name, arguments: JSON.stringify(input)}}` |
 * | `redacted_thinking`, server tools, anything else | dropped |
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletion } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { isJsonObject, type JsonObject } from "./anthropic-api-types.ts";
import { toOpenAIUsage } from "../convert-to-openai-usage.ts";
import { convertFromAnthropicUsage } from "./convert-from-anthropic-usage.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

function convertContent(blocks: unknown[]): JsonObject {
  const text: string[] = [];
  const reasoning: string[] = [];
  let signature: string | undefined;
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of blocks) {
    if (!isJsonObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") text.push(block.text);
    if (block.type === "thinking" && typeof block.thinking === "string") {
      reasoning.push(block.thinking);
      if (typeof block.signature === "string" && block.signature.length > 0) signature = block.signature;
    }
    if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
      toolCalls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    role: "assistant",
    content: text.length > 0 ? text.join("") : null,
    ...(reasoning.length > 0 ? { reasoning_content: reasoning.join("") } : {}),
    ...(signature ? { reasoning_signature: signature } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

/**
 * Converts a non-streamed answer. `model` is the catalog id the client asked for; `id` is Anthropic's message id.
 * Throws GatewayError `upstream_error` (without the body) when the answer is not a Message.
 */
export function convertFromAnthropicResponse(
  json: unknown,
  modelId: string,
): { body: ChatCompletion; usage: NormalizedUsage | null } {
  if (!isJsonObject(json) || json.type !== "message" || !Array.isArray(json.content)) {
    throw new GatewayError("upstream_error", "The upstream provider (anthropic) sent an unreadable response.");
  }
  const usage = isJsonObject(json.usage) ? convertFromAnthropicUsage(json.usage) : null;
  const body: ChatCompletion = {
    id: typeof json.id === "string" ? json.id : "",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: modelId,
    choices: [
      {
        index: 0,
        message: convertContent(json.content),
        logprobs: null,
        finish_reason: mapAnthropicStopReason(json.stop_reason),
      },
    ],
    ...(usage ? { usage: toOpenAIUsage(usage) } : {}),
  };
  return { body, usage };
}
