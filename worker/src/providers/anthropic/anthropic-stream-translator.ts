/**
 * Anthropic Messages SSE events -> OpenAI chat.completion.chunk stream parts.
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming
 *
 * | Anthropic event | stream parts |
 * |---|---|
 * | `message_start` | a chunk with `delta.role: "assistant"`, then `usage-partial` (input and cache usage, exact) |
 * | `content_block_start` text / thinking | their initial text, if any |
 * | `content_block_start` tool_use | a `tool_calls` delta: index (tool blocks counted from 0), id, type, name,
 * arguments "" |
 * | `text_delta` / `thinking_delta` | `delta.content` / `delta.reasoning_content` |
 * | `signature_delta` | `delta.reasoning_signature` (send it back with the reasoning to continue a tool loop) |
 * | `input_json_delta` of a tool_use block | a `tool_calls` arguments delta at that tool's index |
 * | `message_delta` | a finish chunk (`finish_reason` from stop_reason), once; usage kept (cumulative: last wins) |
 * | `message_stop` | `usage-final` (with an OpenAI usage chunk), then `stream-end` |
 * | `error` | throws GatewayError: `upstream_unavailable` for overloaded_error, else `upstream_error` |
 * | `ping`, `content_block_stop`, unknown events and deltas, server-tool blocks | nothing |
 */
import type { EventSourceMessage } from "eventsource-parser/stream";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { StreamPart, StreamTranslator } from "../types.ts";
import { isJsonObject, type AnthropicUsage, type JsonObject } from "./anthropic-api-types.ts";
import { toOpenAIUsage } from "../convert-to-openai-usage.ts";
import { convertFromAnthropicUsage } from "./convert-from-anthropic-usage.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

type BlockKind = { kind: "text" } | { kind: "thinking" } | { kind: "tool"; toolIndex: number };

function parseEvent(event: EventSourceMessage): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch {
    throw new GatewayError("upstream_error", "The upstream provider (anthropic) sent a malformed stream event.");
  }
  return isJsonObject(parsed) ? parsed : {};
}

function streamError(payload: JsonObject): GatewayError {
  const errorType = isJsonObject(payload.error) ? payload.error.type : undefined;
  return errorType === "overloaded_error"
    ? new GatewayError("upstream_unavailable", "The upstream provider (anthropic) is overloaded or unavailable.")
    : new GatewayError("upstream_error", "The upstream provider (anthropic) reported an error mid-stream.");
}

/** Keeps the latest non-null value of every usage field: `message_delta` usage is cumulative. */
function mergeUsage(into: AnthropicUsage, update: unknown): void {
  if (!isJsonObject(update)) return;
  for (const [field, value] of Object.entries(update)) if (value !== null && value !== undefined) into[field] = value;
}

/**
 * One translator per response; stateful. `modelId` is the catalog id the chunks carry. Chunks carry Anthropic's
 * message id and one `created` time.
 */
export function createAnthropicStreamTranslator(modelId: string): StreamTranslator {
  let id = "";
  const created = Math.floor(Date.now() / 1000);
  const usage: AnthropicUsage = {};
  const blocks = new Map<number, BlockKind>();
  let toolCount = 0;
  let finishSent = false;

  const chunk = (delta: JsonObject, finishReason: string | null = null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: modelId,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const emit = (delta: JsonObject): StreamPart[] => [{ type: "chunk-emit", chunk: chunk(delta) }];
  const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.length > 0;

  function startBlock(index: number, block: JsonObject): StreamPart[] {
    if (block.type === "text") {
      blocks.set(index, { kind: "text" });
      return nonEmpty(block.text) ? emit({ content: block.text }) : [];
    }
    if (block.type === "thinking") {
      blocks.set(index, { kind: "thinking" });
      return nonEmpty(block.thinking) ? emit({ reasoning_content: block.thinking }) : [];
    }
    if (block.type === "tool_use") {
      const toolIndex = toolCount++;
      blocks.set(index, { kind: "tool", toolIndex });
      const call = {
        index: toolIndex,
        id: String(block.id ?? ""),
        type: "function",
        function: { name: String(block.name ?? ""), arguments: "" },
      };
      return emit({ tool_calls: [call] });
    }
    return [];
  }

  function applyDelta(index: number, delta: JsonObject): StreamPart[] {
    const block = blocks.get(index);
    if (delta.type === "text_delta" && nonEmpty(delta.text)) return emit({ content: delta.text });
    if (delta.type === "thinking_delta" && nonEmpty(delta.thinking)) return emit({ reasoning_content: delta.thinking });
    if (delta.type === "signature_delta" && nonEmpty(delta.signature))
      return emit({ reasoning_signature: delta.signature });
    if (delta.type === "input_json_delta" && block?.kind === "tool" && nonEmpty(delta.partial_json)) {
      return emit({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] });
    }
    return [];
  }

  return {
    translate(event): StreamPart[] {
      const payload = parseEvent(event);
      const type = typeof payload.type === "string" ? payload.type : event.event;
      const index = typeof payload.index === "number" ? payload.index : -1;
      switch (type) {
        case "message_start": {
          const message = isJsonObject(payload.message) ? payload.message : {};
          if (typeof message.id === "string") id = message.id;
          mergeUsage(usage, message.usage);
          return [
            ...emit({ role: "assistant", content: "" }),
            { type: "usage-partial", usage: convertFromAnthropicUsage(usage) },
          ];
        }
        case "content_block_start":
          return isJsonObject(payload.content_block) ? startBlock(index, payload.content_block) : [];
        case "content_block_delta":
          return isJsonObject(payload.delta) ? applyDelta(index, payload.delta) : [];
        case "message_delta": {
          mergeUsage(usage, payload.usage);
          const stopReason = isJsonObject(payload.delta) ? payload.delta.stop_reason : undefined;
          if (finishSent || stopReason === undefined || stopReason === null) return [];
          finishSent = true;
          return [{ type: "chunk-emit", chunk: chunk({}, mapAnthropicStopReason(stopReason)) }];
        }
        case "message_stop": {
          const normalized = convertFromAnthropicUsage(usage);
          const usageChunk: ChatCompletionChunk = {
            id,
            object: "chat.completion.chunk",
            created,
            model: modelId,
            choices: [],
            usage: toOpenAIUsage(normalized),
          };
          return [{ type: "usage-final", usage: normalized, chunk: usageChunk }, { type: "stream-end" }];
        }
        case "error":
          throw streamError(payload);
        default:
          return [];
      }
    },
  };
}
