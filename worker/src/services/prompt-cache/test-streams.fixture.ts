/**
 * Test fixtures: a realistic internal stream (the shape the translators emit) with reasoning, multi-byte text and
 * two tool calls whose arguments arrive in pieces.
 */
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";

export const USAGE: NormalizedUsage = {
  inputUncached: 90,
  cacheRead: 1000,
  cacheWrite: 50,
  output: 42,
  reasoning: 12,
  source: "provider",
};

export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  choiceExtra: Record<string, unknown> = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-xyz",
    object: "chat.completion.chunk",
    created: 1,
    model: "deepseek/deepseek-flash",
    choices: [{ index: 0, delta, finish_reason: finishReason, ...choiceExtra }],
    usage: null,
  };
}

export const USAGE_CHUNK: ChatCompletionChunk = {
  id: "chatcmpl-xyz",
  object: "chat.completion.chunk",
  created: 1,
  model: "deepseek/deepseek-flash",
  choices: [],
  usage: {
    prompt_tokens: 1140,
    completion_tokens: 42,
    total_tokens: 1182,
    prompt_tokens_details: { cached_tokens: 1000 },
  },
};

export const toolFragment = (index: number, fields: { id?: string; name?: string; arguments?: string }) => ({
  tool_calls: [
    {
      index,
      ...(fields.id ? { id: fields.id, type: "function" } : {}),
      function: { ...(fields.name ? { name: fields.name } : {}), arguments: fields.arguments ?? "" },
    },
  ],
});

export const REALISTIC_CHUNKS: ChatCompletionChunk[] = [
  chunk({ role: "assistant", content: "" }),
  chunk({ reasoning_content: "Weather first, " }),
  chunk({ reasoning_content: "then the time in 東京 🗼." }),
  chunk({ content: "Héllo " }),
  chunk({ content: "wörld 🌏" }),
  chunk({ content: "! Checking…" }),
  chunk(toolFragment(0, { id: "call_weather", name: "get_weather" })),
  chunk(toolFragment(0, { arguments: '{"city": "Zü' })),
  chunk(toolFragment(0, { arguments: 'rich 🌧", "days": [1,' })),
  chunk(toolFragment(0, { arguments: " 2]}" })),
  chunk(toolFragment(1, { id: "call_time", name: "get_time", arguments: '{"tz":"Asia/' })),
  chunk(toolFragment(1, { arguments: 'Tokyo"}' })),
  chunk({}, "tool_calls"),
];
