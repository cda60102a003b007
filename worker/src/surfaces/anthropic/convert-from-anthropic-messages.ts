/**
 * Anthropic `messages[]` to OpenAI chat messages. The rules are tabulated in `convert-from-anthropic-request.ts`.
 * https://docs.anthropic.com/en/api/messages
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { AnthropicContentBlock, AnthropicMessage, AnthropicToolResultBlock } from "./parse-anthropic-request.ts";

export type OpenAIMessage = ChatCompletionRequest["messages"][number];

/** The cache marker the conversion carries: Anthropic's `ephemeral` with its TTL (see the request table). */
// A type, not an interface: the internal request's parts are index-signature objects.
export type CacheMarker = { cache_control?: { type: "ephemeral"; ttl?: "5m" | "1h" } };

type TextPart = { type: "text"; text: string } & CacheMarker;
type OpenAIContentPart = TextPart | { type: "image_url"; image_url: { url: string } };
type ImageBlock = Extract<AnthropicContentBlock, { type: "image" }>;

/** Separator between consecutive text blocks when they are flattened into one string. */
const BLOCK_SEPARATOR = "\n\n";

/** An `invalid_request` GatewayError naming the offending field (never quoting its content). */
export function invalidRequest(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", `Invalid ${param}: ${message}`, { param });
}

/**
 * `{cache_control: {type: "ephemeral", ttl?}}` when the block (or tool) carries an ephemeral `cache_control` (its
 * `ttl` kept when it is `5m` or `1h`); `{}` otherwise. The upstream adapter keeps it for providers with explicit
 * caching (the TTL where the provider has it: build-dialect-body.ts) and drops it elsewhere.
 */
export function cacheMarker(holder: unknown): CacheMarker {
  const value =
    typeof holder === "object" && holder !== null ? (holder as { cache_control?: unknown }).cache_control : undefined;
  if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "ephemeral") return {};
  const ttl = (value as { ttl?: unknown }).ttl;
  return { cache_control: ttl === "5m" || ttl === "1h" ? { type: "ephemeral", ttl } : { type: "ephemeral" } };
}

/** Text blocks as one string (the form every OpenAI-dialect upstream accepts), or as text parts when one of them
 * carries a cache marker (the marker belongs to its block). */
export function textContent(parts: readonly TextPart[]): string | TextPart[] {
  return parts.some((part) => part.cache_control) ? [...parts] : joinText(parts.map((part) => part.text));
}

/** Text blocks joined into one string, the form every OpenAI-dialect upstream accepts. */
export function joinText(texts: readonly string[]): string {
  return texts.join(BLOCK_SEPARATOR);
}

/**
 * Converts the conversation in order. A user message's `tool_result` blocks become one `tool` message each, placed
 * before what remains of that user message (OpenAI requires tool results right after the assistant's tool calls).
 * Throws an `invalid_request` GatewayError whose `param` names the block for a block in the wrong role.
 */
export function convertFromAnthropicMessages(messages: readonly AnthropicMessage[]): OpenAIMessage[] {
  return messages.flatMap((message, messageIndex) => {
    const param = `messages[${messageIndex}]`;
    switch (message.role) {
      case "system":
        return [{ role: "system", content: textContent(systemTexts(message.content, param)) }];
      case "user":
        return convertUserMessage(message.content, param);
      case "assistant":
        return [convertAssistantMessage(message.content, param)];
    }
  });
}

function systemTexts(content: readonly AnthropicContentBlock[], param: string): TextPart[] {
  return content.map((block, blockIndex) => {
    if (block.type !== "text")
      throw invalidRequest(`${param}.content[${blockIndex}]`, "system messages may only hold text blocks");
    return { type: "text", text: block.text, ...cacheMarker(block) };
  });
}

function convertUserMessage(content: readonly AnthropicContentBlock[], param: string): OpenAIMessage[] {
  const toolMessages: OpenAIMessage[] = [];
  const toolImages: OpenAIContentPart[] = [];
  const parts: OpenAIContentPart[] = [];
  content.forEach((block, blockIndex) => {
    const blockParam = `${param}.content[${blockIndex}]`;
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: block.text, ...cacheMarker(block) });
        break;
      case "image":
        parts.push(imagePart(block));
        break;
      case "document":
        parts.push({ type: "text", text: plainTextDocument(block, blockParam), ...cacheMarker(block) });
        break;
      case "tool_result": {
        const converted = convertToolResult(block);
        toolMessages.push(converted.message);
        for (const image of converted.images) toolImages.push(image);
        break;
      }
      case "tool_use":
        throw invalidRequest(blockParam, "tool_use blocks belong in assistant messages");
      case "thinking":
      case "redacted_thinking":
        break;
    }
  });
  const remaining = [...toolImages, ...parts];
  if (remaining.length === 0 && toolMessages.length > 0) return toolMessages;
  return [...toolMessages, { role: "user", content: flattenParts(remaining) }];
}

function convertAssistantMessage(content: readonly AnthropicContentBlock[], param: string): OpenAIMessage {
  const texts: TextPart[] = [];
  const toolCalls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }> = [];
  content.forEach((block, blockIndex) => {
    const blockParam = `${param}.content[${blockIndex}]`;
    switch (block.type) {
      case "text":
        texts.push({ type: "text", text: block.text, ...cacheMarker(block) });
        break;
      case "tool_use":
        toolCalls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      case "thinking":
      case "redacted_thinking":
        break;
      case "tool_result":
        throw invalidRequest(blockParam, "tool_result blocks belong in user messages");
      case "image":
      case "document":
        throw invalidRequest(blockParam, `${block.type} blocks are only supported in user messages`);
    }
  });
  if (toolCalls.length === 0) return { role: "assistant", content: textContent(texts) };
  return { role: "assistant", content: texts.length > 0 ? textContent(texts) : null, tool_calls: toolCalls };
}

/** One `tool` message; images (which OpenAI tool messages cannot hold) are returned to go into the user message. */
function convertToolResult(block: AnthropicToolResultBlock): { message: OpenAIMessage; images: OpenAIContentPart[] } {
  const texts: string[] = [];
  const images: OpenAIContentPart[] = [];
  for (const part of block.content ?? []) {
    if (part.type === "text") texts.push(part.text);
    else images.push(imagePart(part));
  }
  let text = joinText(texts);
  // OpenAI tool messages have no error flag: the model learns of the failure from the text.
  if (block.is_error === true) text = text ? `Error: ${text}` : "Error";
  // A marker on the block or on its last part (Claude Code marks the last block of the conversation) stays with it.
  const marker = { ...cacheMarker((block.content ?? []).at(-1)), ...cacheMarker(block) };
  const content = marker.cache_control ? [{ type: "text" as const, text, ...marker }] : text;
  return { message: { role: "tool", tool_call_id: block.tool_use_id, content }, images };
}

function imagePart(block: ImageBlock): OpenAIContentPart {
  const url =
    block.source.type === "base64" ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return { type: "image_url", image_url: { url } };
}

function plainTextDocument(block: Extract<AnthropicContentBlock, { type: "document" }>, param: string): string {
  if (block.source.type !== "text" || typeof block.source.data !== "string") {
    throw invalidRequest(
      `${param}.source`,
      'only plain-text documents (source.type "text") are supported on this route',
    );
  }
  return block.source.data;
}

/** Text-only content without cache markers becomes one string; anything else stays a parts array. */
function flattenParts(parts: OpenAIContentPart[]): string | OpenAIContentPart[] {
  const texts = parts.flatMap((part) => (part.type === "text" ? [part] : []));
  return texts.length === parts.length ? textContent(texts) : parts;
}
