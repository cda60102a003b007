/**
 * Anthropic `stop_reason` -> OpenAI `finish_reason`.
 * https://docs.anthropic.com/en/api/handling-stop-reasons
 *
 * | Anthropic | OpenAI |
 * |---|---|
 * | `end_turn`, `stop_sequence`, `pause_turn` | `stop` |
 * | `max_tokens`, `model_context_window_exceeded` | `length` |
 * | `tool_use` | `tool_calls` |
 * | `refusal` | `content_filter` |
 * | anything else | `stop` |
 */
export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export function mapAnthropicStopReason(stopReason: unknown): OpenAIFinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}
