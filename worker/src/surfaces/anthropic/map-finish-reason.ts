/**
 * OpenAI `finish_reason` to Anthropic `stop_reason`. https://docs.anthropic.com/en/api/messages (stop_reason)
 *
 * | finish_reason | stop_reason |
 * |---|---|
 * | `stop` | `end_turn`; `stop_sequence` when the upstream names the matched stop sequence; `tool_use` if the answer
 * has tool calls |
 * | `length` | `max_tokens` |
 * | `tool_calls`, `function_call` | `tool_use` |
 * | `content_filter` | `refusal` |
 * | null or anything else | `end_turn` (`tool_use` if the answer has tool calls) |
 */
import type { StopReason } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionChoice } from "../../lib/openai-types.ts";

export interface AnthropicStop {
  stopReason: StopReason;
  stopSequence: string | null;
}

/**
 * Some upstreams report a stop by tool call as `finish_reason: "stop"`; the tool calls decide then, because Anthropic
 * clients continue their agent loop on `tool_use`.
 */
export function mapFinishReason(
  finishReason: string | null | undefined,
  options: { hasToolCalls: boolean; matchedStopSequence: string | null },
): AnthropicStop {
  switch (finishReason) {
    case "length":
      return { stopReason: "max_tokens", stopSequence: null };
    case "content_filter":
      return { stopReason: "refusal", stopSequence: null };
    case "tool_calls":
    case "function_call":
      return { stopReason: "tool_use", stopSequence: null };
    case "stop":
      if (options.matchedStopSequence !== null && !options.hasToolCalls) {
        return { stopReason: "stop_sequence", stopSequence: options.matchedStopSequence };
      }
      return { stopReason: options.hasToolCalls ? "tool_use" : "end_turn", stopSequence: null };
    default:
      return { stopReason: options.hasToolCalls ? "tool_use" : "end_turn", stopSequence: null };
  }
}

/**
 * The stop sequence that ended the answer, when the upstream says which: vLLM puts it in `choice.stop_reason`
 * (a string; a number there is a stop token id), SGLang in `choice.matched_stop`. OpenAI itself never says.
 */
export function matchedStopSequence(choice: ChatCompletionChoice | undefined): string | null {
  if (!choice) return null;
  if (typeof choice.stop_reason === "string" && choice.stop_reason !== "") return choice.stop_reason;
  if (typeof choice.matched_stop === "string" && choice.matched_stop !== "") return choice.matched_stop;
  return null;
}
