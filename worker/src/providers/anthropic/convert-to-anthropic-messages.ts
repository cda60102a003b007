/**
 * OpenAI chat messages -> Anthropic `system` + alternating `messages`.
 * https://docs.anthropic.com/en/api/messages (system, messages, content blocks)
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use (tool_use / tool_result)
 *
 * | OpenAI | Anthropic |
 * |---|---|
 * | `system` / `developer` (anywhere) | top-level `system` text blocks, in order |
 * | `user` | user message: text, image (data: URL -> base64, http(s) -> url), PDF `file` -> document |
 * | `assistant` content + `tool_calls` | assistant message: text blocks, then `tool_use` (arguments parsed; invalid
 * JSON -> 400) |
 * | `assistant.reasoning_content` + `reasoning_signature` | a leading `thinking` block, only when thinking is on
 * (unsigned reasoning is dropped: Anthropic rejects it) |
 * | `tool` | user `tool_result` block with `tool_use_id` = `tool_call_id`, placed before other user blocks |
 * | `function` (deprecated) | refused (400, `messages[i].role`): it carries no call id to answer |
 * | consecutive same-role messages | merged into one message |
 * | empty or whitespace-only text | dropped (Anthropic rejects empty text blocks) |
 * | `name` on a message | dropped (Anthropic has no per-message name) |
 */
import { GatewayError } from "../../errors.ts";
import {
  isJsonObject,
  type AnthropicContentBlock,
  type AnthropicMessage,
  type AnthropicTextBlock,
  type AnthropicThinkingBlock,
  type AnthropicToolUseBlock,
  type JsonObject,
} from "./anthropic-api-types.ts";
import { convertTextContent, convertUserContent, refuse } from "./convert-to-anthropic-content.ts";

export interface AnthropicPrompt {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/**
 * Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; other upstreams' ids are made to fit, the same way on both sides.
 */
export function toAnthropicToolId(id: string): string {
  return id.replaceAll(/[^a-zA-Z0-9_-]/g, "_");
}

function parseToolArguments(value: unknown, param: string): JsonObject {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return {};
  if (isJsonObject(value)) return value;
  let parsed: unknown;
  try {
    parsed = typeof value === "string" ? JSON.parse(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isJsonObject(parsed)) throw refuse(param, `${param} must be a JSON object encoded as a string.`);
  return parsed;
}

function convertToolCalls(toolCalls: unknown, param: string): AnthropicToolUseBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw refuse(param, `${param} must be an array.`);
  return toolCalls.map((call: unknown, index) => {
    const callParam = `${param}[${index}]`;
    if (!isJsonObject(call) || !isJsonObject(call.function))
      throw refuse(callParam, `${callParam} must be a function tool call.`);
    if (typeof call.id !== "string" || call.id.length === 0)
      throw refuse(`${callParam}.id`, `${callParam}.id is required.`);
    if (typeof call.function.name !== "string" || call.function.name.length === 0) {
      throw refuse(`${callParam}.function.name`, `${callParam}.function.name is required.`);
    }
    return {
      type: "tool_use",
      id: toAnthropicToolId(call.id),
      name: call.function.name,
      input: parseToolArguments(call.function.arguments, `${callParam}.function.arguments`),
    };
  });
}

function convertReasoning(message: JsonObject): AnthropicThinkingBlock[] {
  const { reasoning_content: thinking, reasoning_signature: signature } = message;
  if (typeof thinking !== "string" || typeof signature !== "string" || signature.length === 0) return [];
  return [{ type: "thinking", thinking, signature }];
}

function convertMessage(
  message: JsonObject,
  index: number,
  options: { includeThinking: boolean },
): { role: "system" | "user" | "assistant"; blocks: AnthropicContentBlock[] } {
  const param = `messages[${index}]`;
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", blocks: convertTextContent(message.content, `${param}.content`) };
    case "user":
      return { role: "user", blocks: convertUserContent(message.content, `${param}.content`) };
    case "assistant":
      return {
        role: "assistant",
        blocks: [
          ...(options.includeThinking ? convertReasoning(message) : []),
          ...convertTextContent(message.content, `${param}.content`),
          ...convertToolCalls(message.tool_calls, `${param}.tool_calls`),
        ],
      };
    case "tool": {
      if (typeof message.tool_call_id !== "string" || message.tool_call_id.length === 0) {
        throw refuse(`${param}.tool_call_id`, `${param}.tool_call_id is required.`);
      }
      const content = convertTextContent(message.content, `${param}.content`);
      const onlyText = content.length === 1 && content[0] && !content[0].cache_control ? content[0].text : undefined;
      return {
        role: "user",
        blocks: [
          {
            type: "tool_result",
            tool_use_id: toAnthropicToolId(message.tool_call_id),
            content: onlyText ?? (content.length === 0 ? "" : content),
          },
        ],
      };
    }
    default:
      throw refuse(
        `${param}.role`,
        `${param}: the deprecated 'function' role is not supported for this model; use tools and tool messages.`,
      );
  }
}

/** Anthropic wants a user turn's tool results before anything else in it. Stable within each group. */
function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  return [
    ...blocks.filter((block) => block.type === "tool_result"),
    ...blocks.filter((block) => block.type !== "tool_result"),
  ];
}

/**
 * Converts the OpenAI conversation. Guarantees: roles alternate, no message is empty, every tool_use id and
 * tool_use_id fits Anthropic's pattern. Throws GatewayError `invalid_request` (with `param`) for what cannot be sent.
 */
export function convertToAnthropicMessages(
  messages: readonly unknown[],
  options: { includeThinking: boolean },
): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const converted: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    if (!isJsonObject(message)) throw refuse(`messages[${index}]`, `messages[${index}] must be an object.`);
    const { role, blocks } = convertMessage(message, index, options);
    if (role === "system") {
      for (const block of blocks as AnthropicTextBlock[]) system.push(block);
      return;
    }
    if (blocks.length === 0) return;
    const previous = converted.at(-1);
    if (previous?.role === role) for (const block of blocks) previous.content.push(block);
    else converted.push({ role, content: blocks });
  });
  if (converted.length === 0) {
    throw new GatewayError(
      "invalid_request",
      "messages must contain at least one non-empty user or assistant message.",
      { param: "messages" },
    );
  }
  for (const message of converted) if (message.role === "user") message.content = toolResultsFirst(message.content);
  return { system, messages: converted };
}
