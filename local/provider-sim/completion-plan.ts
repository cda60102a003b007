/**
 * The dialect-independent plan of one simulated completion: reply text, reasoning, tool call, the pieces each
 * is streamed in, and the token counts every dialect reports (in its own field names).
 */
import type { Directives } from "./directives.ts";
import type { PromptText } from "./prompt-text.ts";
import { countTokens, reasoningText, replyText, splitIntoChunks, stableHash, TOOL_ARGUMENTS_JSON } from "./tokens.ts";

/** A tool call the simulated model makes. */
export interface PlannedToolCall {
  /** Deterministic id without a dialect prefix; dialects add `call_` / `toolu_`. */
  idSuffix: string;
  name: string;
  argumentsJson: string;
  argumentChunks: string[];
}

/** Token counts of one completion. */
export interface PlannedUsage {
  /** All prompt tokens, cached ones included. */
  promptTokens: number;
  /** Prompt tokens reported as read from cache (the `cached` directive, at most `promptTokens`). */
  cachedTokens: number;
  /** Prompt tokens reported as written to cache (the `cache_write` directive, at most the uncached rest). */
  cacheWriteTokens: number;
  /** Of `cacheWriteTokens`, those reported as 1-hour writes (the `cache_ttl=1h` directive: all of them). */
  cacheWrite1hTokens: number;
  /** Reasoning tokens: `countTokens(reasoning)`. */
  reasoningTokens: number;
  /**
   * Visible output tokens: `countTokens(text)`, or `countTokens(name) + countTokens(argumentsJson)` for a tool call.
   */
  visibleCompletionTokens: number;
  /** `reasoningTokens + visibleCompletionTokens`. */
  completionTokens: number;
}

/** Everything a dialect needs to answer. */
export interface CompletionPlan {
  model: string;
  /** Reply text, or null when the model calls a tool instead. */
  text: string | null;
  textChunks: string[];
  reasoning: string | null;
  reasoningChunks: string[];
  toolCall: PlannedToolCall | null;
  usage: PlannedUsage;
}

/** Counts prompt tokens of a request's text pieces. */
export function countPromptTokens(prompt: PromptText): number {
  let total = 0;
  for (const piece of [...prompt.messageTexts, ...prompt.toolTexts]) total += countTokens(piece);
  return total;
}

/**
 * Builds the plan. Returns an error message instead when the `tool` directive names a tool the request does not
 * declare.
 */
export function planCompletion(
  model: string,
  directives: Directives,
  prompt: PromptText,
  declaredTools: readonly string[],
): CompletionPlan | { error: string } {
  if (directives.tool !== undefined && !declaredTools.includes(directives.tool)) {
    return { error: `simulator directive tool=${directives.tool}: the request declares no tool with that name` };
  }
  const reasoning = directives.reasoning > 0 ? reasoningText(model, directives.reasoning) : null;
  const text = directives.tool === undefined ? replyText(model, directives.words) : null;
  const toolCall: PlannedToolCall | null =
    directives.tool === undefined
      ? null
      : {
          idSuffix: `sim${stableHash(`${model}:${directives.tool}`).toString(36)}`,
          name: directives.tool,
          argumentsJson: directives.tool_args ?? TOOL_ARGUMENTS_JSON,
          argumentChunks: splitIntoChunks(directives.tool_args ?? TOOL_ARGUMENTS_JSON, directives.chunks),
        };
  const promptTokens = countPromptTokens(prompt) + directives.extra_prompt;
  const cachedTokens = Math.min(directives.cached, promptTokens);
  const cacheWriteTokens = Math.min(directives.cache_write, promptTokens - cachedTokens);
  const reasoningTokens = reasoning === null ? 0 : countTokens(reasoning);
  const visibleCompletionTokens =
    text !== null ? countTokens(text) : countTokens(toolCall?.name ?? "") + countTokens(toolCall?.argumentsJson ?? "");
  return {
    model,
    text,
    textChunks: text === null ? [] : splitIntoChunks(text, directives.chunks),
    reasoning,
    reasoningChunks: reasoning === null ? [] : splitIntoChunks(reasoning, directives.chunks),
    toolCall,
    usage: {
      promptTokens,
      cachedTokens,
      cacheWriteTokens,
      cacheWrite1hTokens: directives.cache_ttl === "1h" ? cacheWriteTokens : 0,
      reasoningTokens,
      visibleCompletionTokens,
      completionTokens: reasoningTokens + visibleCompletionTokens,
    },
  };
}
