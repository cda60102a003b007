/**
 * Which upstream each provider uses locally: the real API when its key is in the environment (with the default or
 * overridden base URL), otherwise the provider simulator under the provider's path prefix.
 */
export const PROVIDER_SIM_PATHS = {
  openai: "/openai/v1",
  anthropic: "/anthropic",
  gemini: "/gemini",
  deepseek: "/deepseek",
  zai: "/zai/api/paas/v4",
  qwen: "/qwen/compatible-mode/v1",
  minimax: "/minimax/v1",
  moonshot: "/moonshot/v1",
} as const;

export type LocalProviderId = keyof typeof PROVIDER_SIM_PATHS;

/** The simulator's LiteLLM proxy stand-in (docs/litellm.md); no provider goes through it unless configured. */
export const LITELLM_SIM_PATH = "/litellm";

export const SIMULATOR_API_KEY = "sim-local-key";

export interface ProviderBinding {
  provider: LocalProviderId;
  source: "real" | "simulator";
  baseUrl: string | undefined;
}

/**
 * Worker bindings for every provider. `useRealKeys` false (tests) always uses the simulator, so no test can reach a
 * real provider or need a real key.
 */
export function providerBindings(options: { simulatorUrl: string; env: NodeJS.ProcessEnv; useRealKeys: boolean }): {
  bindings: Record<string, string>;
  summary: ProviderBinding[];
} {
  const bindings: Record<string, string> = {};
  const summary: ProviderBinding[] = [];
  for (const [provider, path] of Object.entries(PROVIDER_SIM_PATHS) as Array<[LocalProviderId, string]>) {
    const prefix = provider.toUpperCase();
    const realKey = options.env[`${prefix}_API_KEY`];
    if (options.useRealKeys && realKey) {
      bindings[`${prefix}_API_KEY`] = realKey;
      const override = options.env[`${prefix}_BASE_URL`];
      if (override) bindings[`${prefix}_BASE_URL`] = override;
      summary.push({ provider, source: "real", baseUrl: override });
    } else {
      bindings[`${prefix}_API_KEY`] = SIMULATOR_API_KEY;
      bindings[`${prefix}_BASE_URL`] = `${options.simulatorUrl}${path}`;
      summary.push({ provider, source: "simulator", baseUrl: bindings[`${prefix}_BASE_URL`] });
    }
  }
  return { bindings, summary };
}
