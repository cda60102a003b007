/**
 * The internal stream (OpenAI ChatCompletionChunks) encoded as Anthropic Messages SSE.
 * https://docs.anthropic.com/en/api/messages-streaming
 *
 * Event order: `message_start` (empty content, zero usage: the upstream reports usage at the end) and `ping` on the
 * first chunk; then per content block `content_block_start`, `content_block_delta`+, `content_block_stop`; then one
 * `message_delta` (stop_reason and the whole usage, with what the request is billed: `cost` and `cost_details` in USD,
 * docs/api.md "Cost") and `message_stop`. Every event is `event: <type>\ndata: <json>`.
 *
 * | internal delta | Anthropic block |
 * |---|---|
 * | `delta.reasoning_content` | `thinking` block, `thinking_delta` (signature stays empty: omnizen cannot sign) |
 * | `delta.content` | `text` block, `text_delta` |
 * | `delta.tool_calls[]` (per OpenAI `index`, or a new `id` at the same index) | `tool_use` block `{id, name, input:
 * {}}`, `input_json_delta` with the argument fragments |
 *
 * A block closes when a block of another kind (or another tool call) starts; indexes count from 0 in order of
 * appearance. Blocks cannot reopen, so an argument fragment for a tool call whose block already closed is dropped;
 * OpenAI-dialect upstreams stream tool calls one after another, so this does not happen with them.
 */
import type { MessageDeltaUsage, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { GatewayError } from "../../errors.ts";
import { usageCostFields, type RequestCost, type UsageCostFields } from "../../lib/cost.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { StreamEncoder } from "../types.ts";
import { mapFinishReason, matchedStopSequence } from "./map-finish-reason.ts";
import { anthropicErrorType } from "./render-anthropic-error.ts";
import { anthropicMessageId, renderAnthropicUsage, toolUseId } from "./render-anthropic-message.ts";

type Json = Record<string, unknown>;
type OpenBlock = { kind: "thinking" | "text" | "tool"; index: number };
type AnthropicStreamEvent =
  RawMessageStreamEvent | { type: "ping" } | { type: "error"; error: { type: string; message: string } };

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const textEncoder = new TextEncoder();
const ZERO_USAGE: NormalizedUsage = {
  inputUncached: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  source: "estimated",
};

/** One SSE event with Anthropic's `event:` line; JSON has no raw newlines, so one `data:` line suffices. */
function encodeEvent(event: AnthropicStreamEvent): Uint8Array {
  return textEncoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/**
 * A stateful encoder for one response. Anthropic always reports usage, so `includeUsage` is ignored; the route
 * should call `usage()` before `end()` (with the upstream's numbers), else `message_delta` reports zeros.
 */
export function createAnthropicStreamEncoder(options: {
  modelId: string;
  requestId?: string;
  includeUsage?: boolean;
}): StreamEncoder {
  let started = false;
  let finished = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  /** Tool calls by OpenAI `index`: the block each one streams into and its id. */
  const tools = new Map<number, { index: number; id: string }>();
  let finishReason: string | null = null;
  let stopSequence: string | null = null;
  let finalUsage: NormalizedUsage | null = null;
  let finalCost: RequestCost | null = null;

  const start = (chunk: ChatCompletionChunk | null): Uint8Array[] => {
    if (started) return [];
    started = true;
    return [
      encodeEvent({
        type: "message_start",
        message: {
          id: anthropicMessageId(chunk?.id),
          type: "message",
          role: "assistant",
          model: options.modelId,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          container: null,
          diagnostics: null,
          usage: renderAnthropicUsage(ZERO_USAGE),
        },
      }),
      encodeEvent({ type: "ping" }),
    ];
  };

  const close = (): Uint8Array[] => {
    if (!open) return [];
    const stop = encodeEvent({ type: "content_block_stop", index: open.index });
    open = null;
    return [stop];
  };

  /** The open thinking or text block, started (after closing another) if needed. */
  const ensureBlock = (kind: "thinking" | "text", out: Uint8Array[]): number => {
    if (open?.kind === kind) return open.index;
    out.push(...close());
    open = { kind, index: nextIndex++ };
    const contentBlock =
      kind === "thinking"
        ? { type: "thinking" as const, thinking: "", signature: "" }
        : { type: "text" as const, text: "", citations: null };
    out.push(encodeEvent({ type: "content_block_start", index: open.index, content_block: contentBlock }));
    return open.index;
  };

  const toolFragment = (fragment: Json, out: Uint8Array[]): void => {
    const openaiIndex = typeof fragment.index === "number" ? fragment.index : 0;
    const functionCall = isObject(fragment.function) ? fragment.function : {};
    const fragmentId = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : null;
    let tool = tools.get(openaiIndex);
    if (!tool || (fragmentId !== null && fragmentId !== tool.id)) {
      out.push(...close());
      tool = { index: nextIndex++, id: toolUseId(fragmentId) };
      tools.set(openaiIndex, tool);
      open = { kind: "tool", index: tool.index };
      const name = typeof functionCall.name === "string" ? functionCall.name : "";
      out.push(
        encodeEvent({
          type: "content_block_start",
          index: tool.index,
          content_block: { type: "tool_use", id: tool.id, name, input: {}, caller: { type: "direct" } },
        }),
      );
    }
    if (open?.index !== tool.index) return;
    const argumentsFragment = isObject(functionCall.arguments)
      ? JSON.stringify(functionCall.arguments)
      : functionCall.arguments;
    if (typeof argumentsFragment === "string" && argumentsFragment !== "") {
      out.push(
        encodeEvent({
          type: "content_block_delta",
          index: tool.index,
          delta: { type: "input_json_delta", partial_json: argumentsFragment },
        }),
      );
    }
  };

  return {
    chunk(chunk) {
      if (finished) return [];
      const out = start(chunk);
      for (const choice of chunk.choices) {
        const delta = isObject(choice.delta) ? choice.delta : {};
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
          const index = ensureBlock("thinking", out);
          out.push(
            encodeEvent({
              type: "content_block_delta",
              index,
              delta: { type: "thinking_delta", thinking: delta.reasoning_content },
            }),
          );
        }
        if (typeof delta.content === "string" && delta.content !== "") {
          const index = ensureBlock("text", out);
          out.push(
            encodeEvent({ type: "content_block_delta", index, delta: { type: "text_delta", text: delta.content } }),
          );
        }
        if (Array.isArray(delta.tool_calls)) {
          for (const fragment of delta.tool_calls) if (isObject(fragment)) toolFragment(fragment, out);
        }
        if (choice.finish_reason) {
          finishReason = choice.finish_reason;
          stopSequence = matchedStopSequence(choice);
        }
      }
      return out;
    },

    usage(usage, _chunk, cost) {
      finalUsage = usage;
      finalCost = cost;
      return [];
    },

    end() {
      if (finished) return [];
      finished = true;
      const out = [...start(null), ...close()];
      const stop = mapFinishReason(finishReason, { hasToolCalls: tools.size > 0, matchedStopSequence: stopSequence });
      out.push(
        encodeEvent({
          type: "message_delta",
          delta: {
            stop_reason: stop.stopReason,
            stop_sequence: stop.stopSequence,
            stop_details: null,
            container: null,
          },
          usage: deltaUsage(finalUsage ?? ZERO_USAGE, finalCost),
        }),
        encodeEvent({ type: "message_stop" }),
      );
      return out;
    },

    error(error: GatewayError) {
      if (finished) return [];
      finished = true;
      return [
        encodeEvent({ type: "error", error: { type: anthropicErrorType(error.status), message: error.message } }),
      ];
    },
  };
}

/**
 * `message_delta.usage` carries the whole (cumulative) usage, since `message_start` had only zeros, and the cost once
 * the usage was reported.
 */
function deltaUsage(usage: NormalizedUsage, cost: RequestCost | null): MessageDeltaUsage & Partial<UsageCostFields> {
  const rendered = renderAnthropicUsage(usage);
  return {
    input_tokens: rendered.input_tokens,
    cache_creation_input_tokens: rendered.cache_creation_input_tokens,
    cache_read_input_tokens: rendered.cache_read_input_tokens,
    output_tokens: rendered.output_tokens,
    output_tokens_details: rendered.output_tokens_details,
    server_tool_use: null,
    ...(cost ? usageCostFields(cost) : {}),
  };
}
