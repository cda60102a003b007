/**
 * Which providers may be relayed through a self-hosted LiteLLM proxy (docs/litellm.md), and the model name LiteLLM is
 * asked for. Only the OpenAI-dialect providers: their requests go to LiteLLM in the same dialect, built by the same
 * forwarding table (openai-compatible/build-dialect-body.ts). Anthropic and Gemini are not relayable: LiteLLM would
 * translate their requests and lose cache markers and thinking signatures, which their native adapters keep.
 *
 * | provider | LiteLLM model name (https://docs.litellm.ai/docs/providers) |
 * |---|---|
 * | openai | `openai/<model>` |
 * | deepseek | `deepseek/<model>` |
 * | zai | `zai/<model>` |
 * | qwen | `dashscope/<model>` |
 * | minimax | `minimax/<model>` |
 * | moonshot | `moonshot/<model>` |
 *
 * `<model>` is the route's upstream model id. A proxy configured with wildcard model groups (`model_name:
 * deepseek/*`) serves these names as they are.
 */
export const LITELLM_MODEL_PREFIXES = {
  openai: "openai",
  deepseek: "deepseek",
  zai: "zai",
  qwen: "dashscope",
  minimax: "minimax",
  moonshot: "moonshot",
} as const;

export type LiteLLMProviderId = keyof typeof LITELLM_MODEL_PREFIXES;

export const LITELLM_PROVIDER_IDS = Object.keys(LITELLM_MODEL_PREFIXES) as [LiteLLMProviderId, ...LiteLLMProviderId[]];

export function isLiteLLMProvider(provider: string): provider is LiteLLMProviderId {
  return Object.hasOwn(LITELLM_MODEL_PREFIXES, provider);
}

/** The model name sent to LiteLLM for a route's upstream model. */
export function liteLLMModelName(provider: LiteLLMProviderId, upstreamModel: string): string {
  return `${LITELLM_MODEL_PREFIXES[provider]}/${upstreamModel}`;
}
