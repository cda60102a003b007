/**
 * The typed provider registry: a closed union of ids, checked with `satisfies`. Providers whose adapter has not
 * landed yet are absent (`GET /v1/models` lists only models whose provider has an adapter).
 */
import { createAnthropicAdapter } from "./anthropic/anthropic-adapter.ts";
import { createOpenAICompatibleAdapter } from "./openai-compatible/adapter.ts";
import { convertDeepSeekUsage, convertMoonshotUsage, convertOpenAIUsage } from "./openai-compatible/convert-usage.ts";
import type { ProviderId } from "./provider-ids.ts";
import type { ProviderAdapter } from "./types.ts";

export const PROVIDERS = {
  // Claude 4.7 and later take adaptive thinking with an effort, not a token budget.
  anthropic: createAnthropicAdapter({ thinkingStyle: () => "adaptive" }),
  openai: createOpenAICompatibleAdapter("openai", "https://api.openai.com/v1", { convertUsage: convertOpenAIUsage }),
  deepseek: createOpenAICompatibleAdapter("deepseek", "https://api.deepseek.com", { convertUsage: convertDeepSeekUsage }),
  zai: createOpenAICompatibleAdapter("zai", "https://api.z.ai/api/paas/v4", { convertUsage: convertOpenAIUsage }),
  qwen: createOpenAICompatibleAdapter("qwen", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", {
    convertUsage: convertOpenAIUsage,
  }),
  minimax: createOpenAICompatibleAdapter("minimax", "https://api.minimax.io/v1", { convertUsage: convertOpenAIUsage }),
  moonshot: createOpenAICompatibleAdapter("moonshot", "https://api.moonshot.ai/v1", { convertUsage: convertMoonshotUsage }),
} satisfies Partial<Record<ProviderId, ProviderAdapter>>;

export function getAdapter(provider: ProviderId): ProviderAdapter | undefined {
  return (PROVIDERS as Partial<Record<ProviderId, ProviderAdapter>>)[provider];
}
