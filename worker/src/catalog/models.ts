/**
 * The model catalog: one typed entry per model. Prices from ../shared/reference/integrations.md section 5e
 * (USD per 1M tokens, standard tier, short-context band), converted to integer micro-USD. Rules:
 * - DeepSeek prices by time of day (peak/off-peak): the peak band is charged until time-banded pricing lands.
 * - Where a provider's cached-read price is unconfirmed (Gemini), 25% of the input price is assumed and said so.
 * - Where a cache-write price is not published, writes are charged at the input price (pricing.ts).
 * - Routes are tried in order; regional/China-mainland endpoint families are used only when their own key is set.
 */
import type { ModelEntry, ModelRoute, Price } from "./types.ts";

const usd = (dollarsPerMillion: number): number => Math.round(dollarsPerMillion * 1_000_000);
const VERSION = "2026-11-26";

function price(input: number, cachedInput: number, output: number, source: string, cacheWrite?: number): Price {
  return {
    input: usd(input), cachedInput: usd(cachedInput), output: usd(output),
    ...(cacheWrite === undefined ? {} : { cacheWrite: usd(cacheWrite) }),
    version: VERSION, source,
  };
}

const CAPABLE = { tools: true, vision: false, reasoning: true };
const MULTIMODAL = { tools: true, vision: true, reasoning: true };

const zaiRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "zai", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  { provider: "zai", family: "ZAI_CN", baseUrl: "https://open.bigmodel.cn/api/paas/v4", upstreamModel, jurisdiction: "CN", endpoint: "china" },
];
const qwenRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "qwen", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  { provider: "qwen", family: "QWEN_US", baseUrl: "https://dashscope-us.aliyuncs.com/compatible-mode/v1", upstreamModel, jurisdiction: "US", endpoint: "international" },
  { provider: "qwen", family: "QWEN_CN", baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", upstreamModel, jurisdiction: "CN", endpoint: "china" },
];
const moonshotRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "moonshot", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  { provider: "moonshot", family: "MOONSHOT_CN", baseUrl: "https://api.moonshot.cn/v1", upstreamModel, jurisdiction: "CN", endpoint: "china" },
];
const minimaxRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "minimax", upstreamModel, jurisdiction: "US", endpoint: "international" },
  { provider: "minimax", family: "MINIMAX_CN", baseUrl: "https://api.minimaxi.com/v1", upstreamModel, jurisdiction: "CN", endpoint: "china" },
];

export const MODELS: readonly ModelEntry[] = [
  {
    id: "deepseek/deepseek-flash", name: "DeepSeek V4.1 Flash", contextLength: 128_000, capabilities: CAPABLE,
    price: price(0.3, 0.006, 1.2, "api-docs.deepseek.com/quick_start/pricing (peak band)"),
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-flash", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "deepseek/deepseek-v4-pro", name: "DeepSeek V4 Pro", contextLength: 128_000, capabilities: CAPABLE,
    price: price(1.32, 0.044, 3.96, "api-docs.deepseek.com/quick_start/pricing (peak band)"),
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-v4-pro", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6-astra", name: "GPT-6 Astra", contextLength: 272_000, capabilities: MULTIMODAL,
    price: price(10, 1, 50, "litellm discussion #39633, PromptFuel v1.0.19 (2026-09-03)", 12.5),
    routes: [{ provider: "openai", upstreamModel: "gpt-6-astra", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6.1-terra", name: "GPT-6.1 Terra", contextLength: 272_000, capabilities: MULTIMODAL,
    price: price(1, 0.05, 5, "PromptFuel v1.0.24 (effective 2026-10-26)", 1.25),
    routes: [{ provider: "openai", upstreamModel: "gpt-6.1-terra", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6-luna", name: "GPT-6 Luna", contextLength: 272_000, capabilities: { tools: true, vision: true, reasoning: false },
    price: price(0.1, 0.01, 0.5, "codexometer v0.18.4 (2026-09-22)"),
    routes: [{ provider: "openai", upstreamModel: "gpt-6-luna", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-opus-5-5", name: "Claude Opus 5.5", contextLength: 200_000, capabilities: MULTIMODAL,
    price: price(4, 0.2, 20, "platform.claude.com models/opus-5-5 overview (5-minute cache write)", 5),
    routes: [{ provider: "anthropic", upstreamModel: "claude-opus-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-sonnet-5-5", name: "Claude Sonnet 5.5", contextLength: 200_000, capabilities: MULTIMODAL,
    price: price(2, 0.2, 10, "platform.claude.com models/sonnet-5-5 overview (0.20 cached read as documented; 5-minute write)", 2.5),
    routes: [{ provider: "anthropic", upstreamModel: "claude-sonnet-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-haiku-5-5", name: "Claude Haiku 5.5", contextLength: 200_000, capabilities: MULTIMODAL,
    price: price(0.1, 0.01, 0.5, "trackers 2026-10-07..24 (prompt <= 100k band)", 0.125),
    routes: [{ provider: "anthropic", upstreamModel: "claude-haiku-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "gemini/gemini-3.8-flash", name: "Gemini 3.8 Flash", contextLength: 1_000_000, capabilities: MULTIMODAL,
    price: price(0.75, 0.1875, 3.75, "ai.google.dev/gemini-api/docs/pricing (read 2026-10-07); cached read assumed 25% of input"),
    priceChanges: [
      {
        effectiveFrom: "2027-01-01",
        price: { ...price(1.5, 0.375, 7.5, "ai.google.dev/gemini-api/docs/pricing: promotional price ends 2026-12-31"), version: "2027-01-01" },
      },
    ],
    routes: [{ provider: "gemini", upstreamModel: "gemini-3.8-flash", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "gemini/gemini-3.1-pro-preview", name: "Gemini 3.1 Pro Preview", contextLength: 1_000_000, capabilities: MULTIMODAL,
    price: price(2, 0.5, 12, "ai.google.dev/gemini-api/docs/pricing (<= 200k band); cached read assumed 25% of input"),
    routes: [{ provider: "gemini", upstreamModel: "gemini-3.1-pro-preview", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "zai/glm-5.3", name: "GLM-5.3", contextLength: 200_000, capabilities: CAPABLE,
    price: price(1.4, 0.26, 4.4, "dev.to GLM 5.3 API (2026-08-19), OpenRouter"),
    routes: zaiRoutes("glm-5.3"),
  },
  {
    id: "qwen/qwen4-max", name: "Qwen4 Max", contextLength: 256_000, capabilities: CAPABLE,
    price: price(1.5, 0.075, 4.5, "apidog Qwen4-Max API guide (2026-11-16)", 1.875),
    routes: qwenRoutes("qwen4-max"),
  },
  {
    id: "minimax/minimax-m3", name: "MiniMax M3", contextLength: 1_000_000, capabilities: CAPABLE,
    price: price(0.3, 0.06, 1.2, "dev.to MiniMax M3 guide (2026-09-11, global standard tier, <= 512K input)"),
    routes: minimaxRoutes("MiniMax-M3"),
  },
  {
    id: "moonshot/kimi-k3", name: "Kimi K3", contextLength: 256_000, capabilities: CAPABLE,
    price: price(3, 0.3, 15, "platform.kimi.ai/docs/pricing/chat-k3 (2026-07)"),
    routes: moonshotRoutes("kimi-k3"),
  },
];

const byId: ReadonlyMap<string, ModelEntry> = new Map(MODELS.map((model) => [model.id, model]));

export function findModel(id: string): ModelEntry | undefined {
  return byId.get(id);
}
