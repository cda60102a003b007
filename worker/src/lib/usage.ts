/** Usage normalised across providers (docs/api.md, "Usage"). `output` includes reasoning tokens. */
export interface NormalizedUsage {
  inputUncached: number;
  cacheRead: number;
  cacheWrite: number;
  /** Of `cacheWrite`, the tokens written with a 1-hour TTL (Anthropic `cache_creation.ephemeral_1h_input_tokens`). */
  cacheWrite1h?: number;
  output: number;
  reasoning: number;
  source: "provider" | "estimated";
}
