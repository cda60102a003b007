/**
 * Each provider's usage report, in the shape its documentation publishes, through the adapter's usage conversion and
 * `computeCost` at the catalog price: the exact micro-USD a request is billed. Cached tokens must be priced at the
 * provider's cache rates (a DeepSeek or Kimi agent session is mostly cache hits), cache writes at the write rate.
 *
 * `numbers`: `published` where the example's numbers are the documentation's own (the URL beside it);
 * `documented shape` where the page documents the fields but the numbers here are chosen (an agent turn). Expected
 * values are worked by hand in the comments: tokens x USD per 1M tokens = micro-USD, summed, rounded up once.
 */
import { describe, expect, it } from "vitest";
import { findModel } from "../catalog/models.ts";
import { computeCost, priceAt } from "../catalog/pricing.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import { convertFromAnthropicUsage } from "./anthropic/convert-from-anthropic-usage.ts";
import { convertFromGeminiUsage } from "./gemini/convert-from-gemini-usage.ts";
import { PROVIDERS } from "./index.ts";
import {
  convertDeepSeekUsage,
  convertMoonshotUsage,
  convertOpenAIUsage,
  convertQwenUsage,
} from "./openai-compatible/convert-from-dialect-usage.ts";

/** Monday 2026-12-07 10:00 in Beijing: DeepSeek's peak band. Before Gemini 3.8 Flash's 2027 price. */
const PEAK = new Date("2026-12-07T02:00:00Z");
/** Sunday 2026-12-06: DeepSeek's off-peak band all day. */
const OFF_PEAK = new Date("2026-12-06T12:00:00Z");

interface Example {
  name: string;
  model: string;
  source: string;
  numbers: "published" | "documented shape";
  convert: (usage: Record<string, unknown>) => NormalizedUsage;
  usage: Record<string, unknown>;
  at?: Date;
  normalized: Omit<NormalizedUsage, "source">;
  microUsd: number;
}

const EXAMPLES: Example[] = [
  {
    name: "OpenAI: prompt_tokens_details.cached_tokens inside prompt_tokens",
    model: "openai/gpt-6.1-terra",
    source: "https://platform.openai.com/docs/guides/prompt-caching (usage of a cached request)",
    numbers: "published",
    convert: convertOpenAIUsage,
    usage: {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920 },
      completion_tokens_details: { reasoning_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    normalized: { inputUncached: 86, cacheRead: 1920, cacheWrite: 0, output: 300, reasoning: 0 },
    // 86 x 1.00 + 1920 x 0.05 + 300 x 5.00 = 86 + 96 + 1500
    microUsd: 1682,
  },
  {
    name: "Anthropic: input_tokens excludes cache reads (100k read, 50 new)",
    model: "anthropic/claude-sonnet-5-5",
    source:
      "https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance (output_tokens chosen)",
    numbers: "published",
    convert: (usage) => convertFromAnthropicUsage(usage),
    usage: { input_tokens: 50, cache_read_input_tokens: 100_000, cache_creation_input_tokens: 0, output_tokens: 503 },
    normalized: { inputUncached: 50, cacheRead: 100_000, cacheWrite: 0, output: 503, reasoning: 0 },
    // 50 x 2.00 + 100000 x 0.20 + 503 x 10.00 = 100 + 20000 + 5030
    microUsd: 25_130,
  },
  {
    name: "Anthropic: 5-minute and 1-hour cache writes at 1.25x and 2x input",
    model: "anthropic/claude-opus-5-5",
    source:
      "https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#1-hour-cache-duration (input and output chosen)",
    numbers: "published",
    convert: (usage) => convertFromAnthropicUsage(usage),
    usage: {
      input_tokens: 50,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 556,
      cache_creation: { ephemeral_5m_input_tokens: 456, ephemeral_1h_input_tokens: 100 },
      output_tokens: 503,
    },
    normalized: { inputUncached: 50, cacheRead: 0, cacheWrite: 556, cacheWrite1h: 100, output: 503, reasoning: 0 },
    // 50 x 4.00 + 456 x 5.00 + 100 x 8.00 + 503 x 20.00 = 200 + 2280 + 800 + 10060
    microUsd: 13_340,
  },
  {
    name: "Gemini: promptTokenCount includes cachedContentTokenCount",
    model: "gemini/gemini-3.8-flash",
    source: "https://ai.google.dev/gemini-api/docs/caching (usage_metadata of the explicit-cache example)",
    numbers: "published",
    convert: convertFromGeminiUsage,
    usage: {
      promptTokenCount: 696_219,
      cachedContentTokenCount: 696_190,
      candidatesTokenCount: 214,
      totalTokenCount: 696_433,
    },
    normalized: { inputUncached: 29, cacheRead: 696_190, cacheWrite: 0, output: 214, reasoning: 0 },
    // 29 x 0.75 + 696190 x 0.075 + 214 x 3.75 = 21.75 + 52214.25 + 802.5 = 53038.5, rounded up
    microUsd: 53_039,
  },
  {
    name: "DeepSeek (peak): uncached is prompt_cache_miss_tokens; hits at the cache-hit price",
    model: "deepseek/deepseek-v4-pro",
    source: "https://api-docs.deepseek.com/guides/kv_cache (prompt_cache_hit_tokens + prompt_cache_miss_tokens)",
    numbers: "documented shape",
    convert: convertDeepSeekUsage,
    at: PEAK,
    usage: {
      prompt_tokens: 65_536,
      completion_tokens: 800,
      total_tokens: 66_336,
      prompt_cache_hit_tokens: 64_000,
      prompt_cache_miss_tokens: 1_536,
      prompt_tokens_details: { cached_tokens: 64_000 },
      completion_tokens_details: { reasoning_tokens: 300 },
    },
    normalized: { inputUncached: 1_536, cacheRead: 64_000, cacheWrite: 0, output: 800, reasoning: 300 },
    // 1536 x 1.32 + 64000 x 0.044 + 800 x 3.96 = 2027.52 + 2816 + 3168 = 8011.52, rounded up
    microUsd: 8_012,
  },
  {
    name: "DeepSeek (off-peak, half price): the same agent turn",
    model: "deepseek/deepseek-v4-pro",
    source: "https://api-docs.deepseek.com/quick_start/pricing (off-peak band)",
    numbers: "documented shape",
    convert: convertDeepSeekUsage,
    at: OFF_PEAK,
    usage: {
      prompt_tokens: 65_536,
      completion_tokens: 800,
      prompt_cache_hit_tokens: 64_000,
      prompt_cache_miss_tokens: 1_536,
      completion_tokens_details: { reasoning_tokens: 300 },
    },
    normalized: { inputUncached: 1_536, cacheRead: 64_000, cacheWrite: 0, output: 800, reasoning: 300 },
    // 1536 x 0.66 + 64000 x 0.022 + 800 x 1.98 = 1013.76 + 1408 + 1584 = 4005.76, rounded up
    microUsd: 4_006,
  },
  {
    name: "DeepSeek Flash (peak): a mostly cached turn",
    model: "deepseek/deepseek-flash",
    source: "https://api-docs.deepseek.com/guides/kv_cache",
    numbers: "documented shape",
    convert: convertDeepSeekUsage,
    at: PEAK,
    usage: { prompt_tokens: 65_536, completion_tokens: 800, prompt_cache_hit_tokens: 64_000 },
    normalized: { inputUncached: 1_536, cacheRead: 64_000, cacheWrite: 0, output: 800, reasoning: 0 },
    // 1536 x 0.30 + 64000 x 0.006 + 800 x 1.20 = 460.8 + 384 + 960 = 1804.8, rounded up
    microUsd: 1_805,
  },
  {
    name: "Kimi: cached_tokens at the top level of usage",
    model: "moonshot/kimi-k3",
    source: "https://platform.kimi.ai/docs/pricing/chat-k3 (cache hit price); usage.cached_tokens",
    numbers: "documented shape",
    convert: convertMoonshotUsage,
    usage: { prompt_tokens: 20_000, completion_tokens: 500, total_tokens: 20_500, cached_tokens: 18_432 },
    normalized: { inputUncached: 1_568, cacheRead: 18_432, cacheWrite: 0, output: 500, reasoning: 0 },
    // 1568 x 3.00 + 18432 x 0.30 + 500 x 15.00 = 4704 + 5529.6 + 7500 = 17733.6, rounded up
    microUsd: 17_734,
  },
  {
    name: "Kimi: cached_tokens in prompt_tokens_details (newer responses)",
    model: "moonshot/kimi-k3",
    source: "https://platform.kimi.ai/docs/pricing/chat-k3",
    numbers: "documented shape",
    convert: convertMoonshotUsage,
    usage: { prompt_tokens: 20_000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 18_432 } },
    normalized: { inputUncached: 1_568, cacheRead: 18_432, cacheWrite: 0, output: 500, reasoning: 0 },
    microUsd: 17_734,
  },
  {
    name: "Z.ai: usage.prompt_tokens_details.cached_tokens",
    model: "zai/glm-5.3",
    source:
      "https://docs.z.ai/guides/capabilities/cache (Transparent Billing: usage.prompt_tokens_details.cached_tokens)",
    numbers: "documented shape",
    convert: convertOpenAIUsage,
    usage: {
      prompt_tokens: 1_200,
      completion_tokens: 300,
      total_tokens: 1_500,
      prompt_tokens_details: { cached_tokens: 1_024 },
    },
    normalized: { inputUncached: 176, cacheRead: 1_024, cacheWrite: 0, output: 300, reasoning: 0 },
    // 176 x 1.40 + 1024 x 0.26 + 300 x 4.40 = 246.4 + 266.24 + 1320 = 1832.64, rounded up
    microUsd: 1_833,
  },
  {
    name: "Qwen: an explicit cache write (cache_creation_input_tokens) at 125% of input",
    model: "qwen/qwen4-max",
    source: "https://www.alibabacloud.com/help/en/model-studio/context-cache (explicit cache: usage fields)",
    numbers: "documented shape",
    convert: convertQwenUsage,
    usage: {
      prompt_tokens: 3_019,
      completion_tokens: 104,
      total_tokens: 3_123,
      prompt_tokens_details: {
        cached_tokens: 0,
        cache_creation_input_tokens: 3_013,
        cache_creation: { ephemeral_5m_input_tokens: 3_013 },
        cache_type: "ephemeral",
      },
    },
    normalized: { inputUncached: 6, cacheRead: 0, cacheWrite: 3_013, output: 104, reasoning: 0 },
    // 6 x 1.50 + 3013 x 1.875 + 104 x 4.50 = 9 + 5649.375 + 468 = 6126.375, rounded up
    microUsd: 6_127,
  },
  {
    name: "Qwen: the explicit cache hit that follows",
    model: "qwen/qwen4-max",
    source: "https://www.alibabacloud.com/help/en/model-studio/context-cache",
    numbers: "documented shape",
    convert: convertQwenUsage,
    usage: {
      prompt_tokens: 3_019,
      completion_tokens: 104,
      total_tokens: 3_123,
      prompt_tokens_details: { cached_tokens: 3_013, cache_type: "ephemeral" },
    },
    normalized: { inputUncached: 6, cacheRead: 3_013, cacheWrite: 0, output: 104, reasoning: 0 },
    // 6 x 1.50 + 3013 x 0.075 + 104 x 4.50 = 9 + 225.975 + 468 = 702.975, rounded up
    microUsd: 703,
  },
  {
    name: "MiniMax: a passive-cache hit in prompt_tokens_details.cached_tokens",
    model: "minimax/minimax-m3",
    source:
      "https://platform.minimax.io/docs/api-reference/anthropic-api-compatible-cache (second request: 188086 read, " +
      "21 new, 393 out) in the OpenAI shape of https://platform.minimax.io/docs/api-reference/text-prompt-caching",
    numbers: "published",
    convert: convertOpenAIUsage,
    usage: {
      prompt_tokens: 188_107,
      completion_tokens: 393,
      total_tokens: 188_500,
      prompt_tokens_details: { cached_tokens: 188_086 },
    },
    normalized: { inputUncached: 21, cacheRead: 188_086, cacheWrite: 0, output: 393, reasoning: 0 },
    // 21 x 0.30 + 188086 x 0.06 + 393 x 1.20 = 6.3 + 11285.16 + 471.6 = 11763.06, rounded up
    microUsd: 11_764,
  },
];

describe("published usage examples priced exactly", () => {
  it.each(EXAMPLES.map((example) => [example.name, example] as const))("%s", (_name, example) => {
    const model = findModel(example.model);
    if (!model) throw new Error(`${example.model} is not in the catalog`);
    const usage = example.convert(example.usage);
    expect(usage).toEqual({ ...example.normalized, source: "provider" });
    const cost = computeCost(usage, priceAt(model, example.at ?? PEAK));
    expect(cost.microUsd).toBe(example.microUsd);
    const { input, cacheRead, cacheWrite, output } = cost.parts;
    const sum = (input + cacheRead + cacheWrite + output) * 1_000_000;
    expect(cost.microUsd - sum).toBeGreaterThanOrEqual(-1e-6);
    expect(cost.microUsd - sum).toBeLessThan(1);
  });

  it("covers all eight providers, through the usage conversion each adapter is registered with", () => {
    const providers = new Set(EXAMPLES.map((example) => findModel(example.model)?.routes[0].provider));
    expect([...providers].sort()).toEqual(Object.keys(PROVIDERS).sort());
    const dialectExamples = EXAMPLES.filter(
      (example) => !["anthropic", "gemini"].includes(example.model.split("/")[0]!),
    );
    for (const example of dialectExamples) {
      const adapter = PROVIDERS[example.model.split("/")[0] as keyof typeof PROVIDERS];
      const body = { choices: [], usage: example.usage };
      const parsed = adapter.parseChatResponse(body, { modelId: example.model } as never);
      expect(parsed.usage, example.name).toEqual(example.convert(example.usage));
    }
  });

  it("Qwen: a write reported at the top level counts too, and never more than the prompt", () => {
    expect(
      convertQwenUsage({ prompt_tokens: 100, completion_tokens: 1, cache_creation_input_tokens: 40 }),
    ).toMatchObject({ inputUncached: 60, cacheWrite: 40 });
    expect(
      convertQwenUsage({
        prompt_tokens: 100,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: 30, cache_creation_input_tokens: 500 },
      }),
    ).toMatchObject({ inputUncached: 0, cacheRead: 30, cacheWrite: 70 });
  });
});
