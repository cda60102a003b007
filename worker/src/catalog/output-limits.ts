/**
 * The most output tokens each model may be asked for in one request (`max_tokens` / `max_completion_tokens`, with
 * reasoning tokens inside). A request above it gets a 400 naming the parameter, and a request without it reserves
 * credit for this many (services/hot-path/reservation.ts). Read from the providers' model pages where
 * they give them; where they do not, the limit of the model's predecessor family is assumed (marked).
 */
export const MAX_OUTPUT_TOKENS = {
  "deepseek/deepseek-flash": 64_000, // assumed: DeepSeek V3.x reasoner's 64K
  "deepseek/deepseek-v4-pro": 64_000, // assumed, as above
  "openai/gpt-6-astra": 128_000, // assumed: GPT-5 family's 128K
  "openai/gpt-6.1-terra": 128_000, // assumed, as above
  "openai/gpt-6-luna": 128_000, // assumed, as above
  "anthropic/claude-opus-5-5": 128_000, // assumed: Claude 4.x's largest (128K with the output beta; 64K without)
  "anthropic/claude-sonnet-5-5": 128_000, // assumed, as above
  "anthropic/claude-haiku-5-5": 64_000, // assumed: Haiku 4.5's 64K
  "gemini/gemini-3.8-flash": 65_536, // assumed: Gemini 2.5's 65,536
  "gemini/gemini-3.1-pro-preview": 65_536, // assumed, as above
  "zai/glm-5.3": 128_000, // assumed: GLM-4.6's 128K
  "qwen/qwen4-max": 65_536, // assumed: Qwen3-Max's 65,536
  "minimax/minimax-m3": 128_000, // assumed: MiniMax-M2's 128K
  "moonshot/kimi-k3": 128_000, // assumed: Kimi K2's 128K context-bounded output
} as const satisfies Record<string, number>;

/** The output limit of `modelId` (a catalog id; every catalog model has one, output-limits.test.ts). */
export function maxOutputTokens(modelId: string): number {
  return (MAX_OUTPUT_TOKENS as Record<string, number>)[modelId] ?? 4096;
}
