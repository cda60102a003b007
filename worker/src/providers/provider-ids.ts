/** The eight upstreams of the privacy policy (section 6). A closed union: a typo is a compile error. */
export const PROVIDER_IDS = [
  "openai",
  "anthropic",
  "gemini",
  "deepseek",
  "zai",
  "qwen",
  "minimax",
  "moonshot",
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];
