/**
 * The model catalog: one typed entry per model. Prices from ../shared/reference/integrations.md section 5e
 * (USD per 1M tokens, standard tier, short-context band), converted to micro-USD. Where a provider prices by time of
 * day (DeepSeek peak/off-peak) the higher band is charged until time-banded pricing lands.
 */
import type { ModelEntry } from "./types.ts";

const usd = (dollarsPerMillion: number): number => Math.round(dollarsPerMillion * 1_000_000);

export const MODELS = [
  {
    id: "deepseek/deepseek-flash",
    name: "DeepSeek V4.1 Flash",
    contextLength: 128_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(0.3), cachedInput: usd(0.006), output: usd(1.2),
      version: "2026-11-26", source: "api-docs.deepseek.com/quick_start/pricing (peak band)",
    },
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-flash", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "deepseek/deepseek-v4-pro",
    name: "DeepSeek V4 Pro",
    contextLength: 128_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(1.32), cachedInput: usd(0.044), output: usd(3.96),
      version: "2026-11-26", source: "api-docs.deepseek.com/quick_start/pricing (peak band)",
    },
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-v4-pro", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6.1-terra",
    name: "GPT-6.1 Terra",
    contextLength: 272_000,
    capabilities: { tools: true, vision: true, reasoning: true },
    price: {
      input: usd(1), cachedInput: usd(0.05), cacheWrite: usd(1.25), output: usd(5),
      version: "2026-11-26", source: "PromptFuel v1.0.24 (effective 2026-10-26)",
    },
    routes: [{ provider: "openai", upstreamModel: "gpt-6.1-terra", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6-luna",
    name: "GPT-6 Luna",
    contextLength: 272_000,
    capabilities: { tools: true, vision: true, reasoning: false },
    price: {
      input: usd(0.1), cachedInput: usd(0.01), output: usd(0.5),
      version: "2026-11-26", source: "codexometer v0.18.4 (2026-09-22)",
    },
    routes: [{ provider: "openai", upstreamModel: "gpt-6-luna", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "zai/glm-5.3",
    name: "GLM-5.3",
    contextLength: 200_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(1.4), cachedInput: usd(0.26), output: usd(4.4),
      version: "2026-11-26", source: "dev.to GLM 5.3 API (2026-08-19), OpenRouter",
    },
    routes: [{ provider: "zai", upstreamModel: "glm-5.3", jurisdiction: "SG", endpoint: "international" }],
  },
  {
    id: "qwen/qwen4-max",
    name: "Qwen4 Max",
    contextLength: 256_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(1.5), cachedInput: usd(0.075), cacheWrite: usd(1.875), output: usd(4.5),
      version: "2026-11-26", source: "apidog Qwen4-Max API guide (2026-11-16)",
    },
    routes: [{ provider: "qwen", upstreamModel: "qwen4-max", jurisdiction: "SG", endpoint: "international" }],
  },
  {
    id: "minimax/minimax-m3",
    name: "MiniMax M3",
    contextLength: 1_000_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(0.3), cachedInput: usd(0.06), output: usd(1.2),
      version: "2026-11-26", source: "dev.to MiniMax M3 guide (2026-09-11, global standard tier)",
    },
    routes: [{ provider: "minimax", upstreamModel: "MiniMax-M3", jurisdiction: "US", endpoint: "international" }],
  },
  {
    id: "moonshot/kimi-k3",
    name: "Kimi K3",
    contextLength: 256_000,
    capabilities: { tools: true, vision: false, reasoning: true },
    price: {
      input: usd(3), cachedInput: usd(0.3), output: usd(15),
      version: "2026-11-26", source: "platform.kimi.ai/docs/pricing/chat-k3 (2026-07)",
    },
    routes: [{ provider: "moonshot", upstreamModel: "kimi-k3", jurisdiction: "SG", endpoint: "international" }],
  },
] as const satisfies readonly ModelEntry[];

const byId: ReadonlyMap<string, ModelEntry> = new Map(MODELS.map((model) => [model.id, model]));

export function findModel(id: string): ModelEntry | undefined {
  return byId.get(id);
}
