/**
 * The typed provider registry: a closed union of ids, checked with `satisfies`: every one of the eight upstreams has
 * exactly one adapter; the OpenAI-dialect ones share one implementation with small typed quirks.
 */
import { createAnthropicAdapter } from "./anthropic/anthropic-adapter.ts";
import { createGeminiAdapter } from "./gemini/gemini-adapter.ts";
import { createOpenAICompatibleAdapter } from "./openai-compatible/adapter.ts";
import {
  convertDeepSeekUsage,
  convertMoonshotUsage,
  convertOpenAIUsage,
  convertQwenUsage,
} from "./openai-compatible/convert-from-dialect-usage.ts";
import type { ProviderId } from "./provider-ids.ts";
import type { ProviderAdapter } from "./types.ts";

export const PROVIDERS = {
  // Claude 4.7 and later take adaptive thinking with an effort, not a token budget.
  anthropic: createAnthropicAdapter({ thinkingStyle: () => "adaptive" }),
  // Gemini 3 controls thinking by level; older models by a token budget.
  gemini: createGeminiAdapter({ thinkingStyle: (model) => (model.startsWith("gemini-3") ? "level" : "budget") }),
  openai: createOpenAICompatibleAdapter("openai", "https://api.openai.com/v1", { convertUsage: convertOpenAIUsage }),
  deepseek: createOpenAICompatibleAdapter("deepseek", "https://api.deepseek.com", {
    convertUsage: convertDeepSeekUsage,
  }),
  zai: createOpenAICompatibleAdapter("zai", "https://api.z.ai/api/paas/v4", { convertUsage: convertOpenAIUsage }),
  qwen: createOpenAICompatibleAdapter("qwen", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", {
    convertUsage: convertQwenUsage,
  }),
  minimax: createOpenAICompatibleAdapter("minimax", "https://api.minimax.io/v1", { convertUsage: convertOpenAIUsage }),
  moonshot: createOpenAICompatibleAdapter("moonshot", "https://api.moonshot.ai/v1", {
    convertUsage: convertMoonshotUsage,
  }),
} satisfies Record<ProviderId, ProviderAdapter>;

export function getAdapter(provider: ProviderId): ProviderAdapter | undefined {
  return (PROVIDERS as Partial<Record<ProviderId, ProviderAdapter>>)[provider];
}
