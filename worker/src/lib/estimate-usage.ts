import type { NormalizedUsage } from "./usage.ts";

/**
 * A coarse estimate (4 characters per token, the common rule of thumb for English) used only when an upstream
 * reports no usage (e.g. a client that left mid-generation); rows built from it are marked
 * `usage_source = estimated`. `completionCharacters` counts everything generated (reasoning included, as `output`
 * includes reasoning tokens); `reasoningCharacters` is the reasoning part of it.
 */
export function estimateUsage(
  promptCharacters: number,
  completionCharacters: number,
  reasoningCharacters = 0,
): NormalizedUsage {
  return {
    inputUncached: Math.ceil(promptCharacters / 4),
    cacheRead: 0,
    cacheWrite: 0,
    output: Math.ceil(completionCharacters / 4),
    reasoning: Math.ceil(Math.min(reasoningCharacters, completionCharacters) / 4),
    source: "estimated",
  };
}

/** Characters of reasoning text in an OpenAI chunk or message (`reasoning_content`). */
export function reasoningCharacters(choices: ReadonlyArray<{ delta?: unknown; message?: unknown }>): number {
  let total = 0;
  for (const choice of choices) {
    const part = (choice.delta ?? choice.message) as Record<string, unknown> | undefined;
    if (typeof part?.reasoning_content === "string") total += part.reasoning_content.length;
  }
  return total;
}

/** Characters of generated text in an OpenAI chunk or message: content, reasoning and tool-call arguments. */
export function generatedCharacters(choices: ReadonlyArray<{ delta?: unknown; message?: unknown }>): number {
  let total = 0;
  for (const choice of choices) {
    const part = (choice.delta ?? choice.message) as Record<string, unknown> | undefined;
    if (!part) continue;
    for (const field of ["content", "reasoning_content"]) {
      const value = part[field];
      if (typeof value === "string") total += value.length;
    }
    if (Array.isArray(part.tool_calls)) {
      for (const call of part.tool_calls as Array<{ function?: { arguments?: unknown; name?: unknown } }>) {
        if (typeof call.function?.arguments === "string") total += call.function.arguments.length;
        if (typeof call.function?.name === "string") total += call.function.name.length;
      }
    }
  }
  return total;
}

/**
 * An estimate completed with what the upstream already reported before it was cut (`usage-partial`): its input
 * side (uncached, cache read, cache write) is exact and replaces the character-based guess; output and reasoning
 * take the larger of the two. Still marked `estimated`.
 */
export function withKnownUsage(estimate: NormalizedUsage, known: NormalizedUsage | null): NormalizedUsage {
  if (!known) return estimate;
  return {
    inputUncached: known.inputUncached,
    cacheRead: known.cacheRead,
    cacheWrite: known.cacheWrite,
    output: Math.max(known.output, estimate.output),
    reasoning: Math.max(known.reasoning, estimate.reasoning),
    source: "estimated",
  };
}
