/**
 * The model catalog: one typed entry per model. Prices from the providers' public pricing pages (each entry's source)
 * (USD per 1M tokens, standard tier, short-context band), converted to integer micro-USD. Rules:
 * - Bands (pricing.ts; docs/forwarded-fields.md): DeepSeek's time-of-day band (off-peak = half the peak rates outside
 *   Beijing 09:00-12:00 and 14:00-18:00 Mon-Fri, Chinese statutory holidays off-peak); long-context bands where the
 *   provider publishes them (Claude Haiku 5.5 > 100k, Gemini 3.1 Pro > 200k, GPT-6 Astra > 272K, MiniMax M3 > 512K);
 *   Anthropic 1-hour cache writes at 2x input (5-minute writes 1.25x). A model with no published band has none:
 *   requests that would need an unpublished band (Anthropic's 1M-context beta) are refused, not forwarded.
 * - Gemini's cached reads: 10% of input, as Google bills implicit-cache hits across Gemini 3.x (GEMINI_CACHE_SOURCE);
 *   until 2026-12-06 the catalog assumed 25%, so the price version moved.
 * - Where a cache-write price is not published, writes are charged at the input price (pricing.ts).
 * - Routes are tried in order; regional/China-mainland endpoint families are used only when their own key is set.
 */
import type { LongContextBand, ModelEntry, ModelRoute, PeakSchedule, Price, TokenRates } from "./types.ts";

const usd = (dollarsPerMillion: number): number => Math.round(dollarsPerMillion * 1_000_000);
/** Bands and 1-hour cache writes priced from this version on (pricing pages read 2026-12-05). */
const VERSION = "2026-12-05";

function rates(
  input: number,
  cachedInput: number,
  output: number,
  cacheWrite?: number,
  cacheWrite1h?: number,
): TokenRates {
  return {
    input: usd(input),
    cachedInput: usd(cachedInput),
    output: usd(output),
    ...(cacheWrite === undefined ? {} : { cacheWrite: usd(cacheWrite) }),
    ...(cacheWrite1h === undefined ? {} : { cacheWrite1h: usd(cacheWrite1h) }),
  };
}

function price(
  input: number,
  cachedInput: number,
  output: number,
  source: string,
  cacheWrite?: number,
  cacheWrite1h?: number,
): Price {
  return { ...rates(input, cachedInput, output, cacheWrite, cacheWrite1h), version: VERSION, source };
}

const longContext = (
  aboveInputTokens: number,
  bandRates: TokenRates,
  source: string,
): { longContext: LongContextBand } => ({
  longContext: { aboveInputTokens, rates: bandRates, source },
});

/**
 * DeepSeek's peak hours: Beijing time (UTC+8) 09:00-12:00 and 14:00-18:00 Monday to Friday (= 01:00-04:00 and
 * 06:00-10:00 UTC), weekends off-peak all day since 2026-08-23, Chinese statutory holidays off-peak (2026 dates; a
 * holiday not listed is billed at peak, never below DeepSeek's bill). api-docs.deepseek.com/quick_start/pricing.
 */
const DEEPSEEK_PEAK: PeakSchedule = {
  offsetMinutes: 8 * 60,
  weekdays: [1, 2, 3, 4, 5],
  windows: [
    [9 * 60, 12 * 60],
    [14 * 60, 18 * 60],
  ],
  holidays: [
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    ...["15", "16", "17", "18", "19", "20", "21", "22", "23"].map((day) => `2026-02-${day}`),
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
  ],
};

const DEEPSEEK_SOURCE = "api-docs.deepseek.com/quick_start/pricing (snapshots Oct 2026, read 2026-12-05)";

function deepseekPrice(peak: [number, number, number], offPeak: [number, number, number]): Price {
  return {
    ...price(peak[0], peak[1], peak[2], `${DEEPSEEK_SOURCE}; peak band`),
    timeOfDay: {
      peak: DEEPSEEK_PEAK,
      offPeakRates: rates(...offPeak),
      source: `${DEEPSEEK_SOURCE}; off-peak = half of peak`,
    },
  };
}

/** Gemini cache reads, and the version of the Gemini prices that bill them at 10% of input (was an assumed 25%). */
const GEMINI_CACHE_SOURCE =
  "cached read 10% of input: Google's pricing page bills Gemini 3 Flash cache hits 0.05 of 0.50 and 3.1 Flash-Lite " +
  "0.025 of 0.25, Gemini 3 / 3.1 Pro 0.20 of 2.00 (0.40 of 4.00 > 200k); implicit caching 90% off (read 2026-12-06)";
const GEMINI_VERSION = "2026-12-06";

const CAPABLE = { tools: true, vision: false, reasoning: true };
const MULTIMODAL = { tools: true, vision: true, reasoning: true };

export const zaiRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "zai", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  {
    provider: "zai",
    family: "ZAI_CN",
    baseUrl: "https://open.bigmodel.cn/api/paas/v4",
    upstreamModel,
    jurisdiction: "CN",
    endpoint: "china",
  },
];
export const qwenRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "qwen", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  {
    provider: "qwen",
    family: "QWEN_US",
    baseUrl: "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
    upstreamModel,
    jurisdiction: "US",
    endpoint: "international",
  },
  {
    provider: "qwen",
    family: "QWEN_CN",
    baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1",
    upstreamModel,
    jurisdiction: "CN",
    endpoint: "china",
  },
];
const moonshotRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "moonshot", upstreamModel, jurisdiction: "SG", endpoint: "international" },
  {
    provider: "moonshot",
    family: "MOONSHOT_CN",
    baseUrl: "https://api.moonshot.cn/v1",
    upstreamModel,
    jurisdiction: "CN",
    endpoint: "china",
  },
];
const minimaxRoutes = (upstreamModel: string): [ModelRoute, ...ModelRoute[]] => [
  { provider: "minimax", upstreamModel, jurisdiction: "US", endpoint: "international" },
  {
    provider: "minimax",
    family: "MINIMAX_CN",
    baseUrl: "https://api.minimaxi.com/v1",
    upstreamModel,
    jurisdiction: "CN",
    endpoint: "china",
  },
];

export const MODELS: readonly ModelEntry[] = [
  {
    id: "deepseek/deepseek-flash",
    name: "DeepSeek V4.1 Flash",
    contextLength: 128_000,
    capabilities: CAPABLE,
    price: deepseekPrice([0.3, 0.006, 1.2], [0.15, 0.003, 0.6]),
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-flash", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "deepseek/deepseek-v4-pro",
    name: "DeepSeek V4 Pro",
    contextLength: 128_000,
    capabilities: CAPABLE,
    price: deepseekPrice([1.32, 0.044, 3.96], [0.66, 0.022, 1.98]),
    routes: [{ provider: "deepseek", upstreamModel: "deepseek-v4-pro", jurisdiction: "CN", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6-astra",
    name: "GPT-6 Astra",
    contextLength: 272_000,
    capabilities: MULTIMODAL,
    price: {
      ...price(10, 1, 50, "litellm discussion #39633, PromptFuel v1.0.19 (2026-09-03)", 12.5),
      ...longContext(
        272_000,
        rates(20, 2, 75, 25),
        "same sources: above 272K input x2 input (cache rates too), x1.5 output for the whole request",
      ),
    },
    routes: [{ provider: "openai", upstreamModel: "gpt-6-astra", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6.1-terra",
    name: "GPT-6.1 Terra",
    contextLength: 272_000,
    capabilities: MULTIMODAL,
    price: price(1, 0.05, 5, "PromptFuel v1.0.24 (effective 2026-10-26)", 1.25),
    routes: [{ provider: "openai", upstreamModel: "gpt-6.1-terra", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "openai/gpt-6-luna",
    name: "GPT-6 Luna",
    contextLength: 272_000,
    capabilities: { tools: true, vision: true, reasoning: false },
    price: price(0.1, 0.01, 0.5, "codexometer v0.18.4 (2026-09-22)"),
    routes: [{ provider: "openai", upstreamModel: "gpt-6-luna", jurisdiction: "US", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-opus-5-5",
    name: "Claude Opus 5.5",
    contextLength: 200_000,
    capabilities: MULTIMODAL,
    price: price(
      4,
      0.2,
      20,
      "platform.claude.com models/opus-5-5 overview (cache writes 5-minute 5.00, 1-hour 8.00)",
      5,
      8,
    ),
    routes: [{ provider: "anthropic", upstreamModel: "claude-opus-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-sonnet-5-5",
    name: "Claude Sonnet 5.5",
    contextLength: 200_000,
    capabilities: MULTIMODAL,
    price: price(
      2,
      0.2,
      10,
      "platform.claude.com models/sonnet-5-5 overview (0.20 cached read as documented; writes 5-minute 2.50, 1-hour 4.00)",
      2.5,
      4,
    ),
    routes: [{ provider: "anthropic", upstreamModel: "claude-sonnet-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "anthropic/claude-haiku-5-5",
    name: "Claude Haiku 5.5",
    contextLength: 200_000,
    capabilities: MULTIMODAL,
    price: {
      ...price(0.1, 0.01, 0.5, "trackers 2026-10-07..24 (prompt <= 100k band; writes 1.25x / 2x input)", 0.125, 0.2),
      ...longContext(
        100_000,
        rates(0.5, 0.05, 2.5, 0.625, 1),
        "trackers 2026-10-07..24 (prompt > 100k band; writes 1.25x / 2x input)",
      ),
    },
    routes: [{ provider: "anthropic", upstreamModel: "claude-haiku-5-5", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "gemini/gemini-3.8-flash",
    name: "Gemini 3.8 Flash",
    contextLength: 1_000_000,
    capabilities: MULTIMODAL,
    price: {
      ...price(0.75, 0.075, 3.75, `ai.google.dev/gemini-api/docs/pricing (read 2026-10-07); ${GEMINI_CACHE_SOURCE}`),
      version: GEMINI_VERSION,
    },
    priceChanges: [
      {
        effectiveFrom: "2027-01-01",
        price: {
          ...price(1.5, 0.15, 7.5, "ai.google.dev/gemini-api/docs/pricing: promotional price ends 2026-12-31"),
          version: "2027-01-01",
        },
      },
    ],
    routes: [{ provider: "gemini", upstreamModel: "gemini-3.8-flash", jurisdiction: "global", endpoint: "global" }],
  },
  {
    id: "gemini/gemini-3.1-pro-preview",
    name: "Gemini 3.1 Pro Preview",
    contextLength: 1_000_000,
    capabilities: MULTIMODAL,
    price: {
      ...price(2, 0.2, 12, `ai.google.dev/gemini-api/docs/pricing (<= 200k band); ${GEMINI_CACHE_SOURCE}`),
      ...longContext(200_000, rates(4, 0.4, 18), "ai.google.dev/gemini-api/docs/pricing (> 200k band)"),
      version: GEMINI_VERSION,
    },
    routes: [
      { provider: "gemini", upstreamModel: "gemini-3.1-pro-preview", jurisdiction: "global", endpoint: "global" },
    ],
  },
  {
    id: "zai/glm-5.3",
    name: "GLM-5.3",
    contextLength: 200_000,
    capabilities: CAPABLE,
    price: price(1.4, 0.26, 4.4, "dev.to GLM 5.3 API (2026-08-19), OpenRouter"),
    routes: zaiRoutes("glm-5.3"),
  },
  {
    id: "qwen/qwen4-max",
    name: "Qwen4 Max",
    contextLength: 256_000,
    capabilities: CAPABLE,
    price: price(
      1.5,
      0.075,
      4.5,
      "apidog Qwen4-Max API guide (2026-11-16): flat over the 1M context, no tiers published; explicit cache writes 5-minute 1.875, 1-hour 3.00",
      1.875,
      3,
    ),
    routes: qwenRoutes("qwen4-max"),
  },
  {
    id: "minimax/minimax-m3",
    name: "MiniMax M3",
    contextLength: 1_000_000,
    capabilities: CAPABLE,
    price: {
      ...price(0.3, 0.06, 1.2, "dev.to MiniMax M3 guide (2026-09-11, global standard tier, <= 512K input)"),
      ...longContext(
        512_000,
        rates(0.6, 0.12, 2.4),
        "dev.to MiniMax M3 guide (2026-09-11, > 512K total input; 512K read as 512,000)",
      ),
    },
    routes: minimaxRoutes("MiniMax-M3"),
  },
  {
    id: "moonshot/kimi-k3",
    name: "Kimi K3",
    contextLength: 256_000,
    capabilities: CAPABLE,
    price: price(3, 0.3, 15, "platform.kimi.ai/docs/pricing/chat-k3 (2026-07)"),
    routes: moonshotRoutes("kimi-k3"),
  },
];

const byId: ReadonlyMap<string, ModelEntry> = new Map(MODELS.map((model) => [model.id, model]));

export function findModel(id: string): ModelEntry | undefined {
  return byId.get(id);
}
