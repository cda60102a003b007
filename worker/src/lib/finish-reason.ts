/**
 * The finish reason a usage row records, in OpenAI's terms (the internal answers are OpenAI-shaped: adapters map
 * their upstream's stop reasons to these). https://platform.openai.com/docs/api-reference/chat/object
 *
 * | value | meaning |
 * |---|---|
 * | `stop` | natural end or a stop sequence |
 * | `length` | `max_tokens` (or the context) reached |
 * | `tool_calls` | the model called tools (the legacy `function_call` counts as this) |
 * | `content_filter` | the provider withheld content |
 *
 * Anything else (a provider's own reason, or none) is recorded as null rather than stored as free text.
 */
export const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter"] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export function normalizeFinishReason(value: unknown): FinishReason | null {
  if (value === "function_call") return "tool_calls";
  return (FINISH_REASONS as readonly unknown[]).includes(value) ? (value as FinishReason) : null;
}

/** The first choice's finish reason among `choices` (a completion's, or a chunk's), normalised; null if none. */
export function finishReasonOf(choices: readonly { finish_reason?: unknown }[] | undefined): FinishReason | null {
  for (const choice of choices ?? []) {
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      return normalizeFinishReason(choice.finish_reason);
    }
  }
  return null;
}
