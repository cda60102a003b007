/**
 * The embedding models (`POST /v1/embeddings`), apart from the chat catalog (models.ts): one typed entry per model,
 * priced per 1M input tokens (standard tier; embeddings have no output or cache price), with the routes of the
 * provider's chat models where the provider serves the model there. Rules:
 * - A model served in several regions at different prices is charged the highest of them, so no route is billed
 *   below the provider's own bill (Qwen: Singapore 0.07, Beijing 0.072).
 * - A price published in CNY is converted at 7.0 CNY per USD and rounded up to the next 0.001 USD.
 * - `dimensions`: the range or list each provider documents; anything else is refused with a 400 before the upstream.
 * - Routes: those of the provider's chat models (models.ts) where the provider serves the model there.
 */
import { qwenRoutes, zaiRoutes } from "./models.ts";
import type { EmbeddingModelEntry, EmbeddingSpec, ModelRoute } from "./types.ts";

/** Pricing pages read on this date; stored on each usage row as the price version. */
const VERSION = "2026-12-06";
const usd = (dollarsPerMillion: number): number => Math.round(dollarsPerMillion * 1_000_000);
const NO_CAPABILITIES = { tools: false, vision: false, reasoning: false };

function entry(
  id: EmbeddingModelEntry["id"],
  name: string,
  maxInputTokens: number,
  dollarsPerMillion: number,
  source: string,
  embedding: EmbeddingSpec,
  routes: EmbeddingModelEntry["routes"],
): EmbeddingModelEntry {
  const rate = usd(dollarsPerMillion);
  return {
    kind: "embedding",
    id,
    name,
    contextLength: maxInputTokens,
    capabilities: NO_CAPABILITIES,
    price: { input: rate, cachedInput: rate, output: 0, version: VERSION, source },
    routes,
    embedding,
  };
}

/** Qwen's chat routes less the US one: Model Studio lists text-embedding-v4 in Singapore, Beijing and Hong Kong. */
function qwenEmbeddingRoutes(upstreamModel: string): [ModelRoute, ...ModelRoute[]] {
  const [first, ...rest] = qwenRoutes(upstreamModel).filter((route) => route.jurisdiction !== "US");
  if (!first) throw new Error("qwen has no route outside the US");
  return [first, ...rest];
}

const OPENAI_SOURCE =
  "OpenAI pricing page as tracked by embeddingcost.com/openai (May 2026) and tokenprice.fyi (2026-07-03); " +
  "standard tier; batch not offered";

/** OpenAI's text-embedding-3 models: 8,191 tokens per input, up to 2,048 inputs, any dimensions up to the full size. */
const openaiEmbedding = (size: "small" | "large", dollarsPerMillion: number, fullDimensions: number) =>
  entry(
    `openai/text-embedding-3-${size}`,
    `Text Embedding 3 ${size === "small" ? "Small" : "Large"}`,
    8_191,
    dollarsPerMillion,
    OPENAI_SOURCE,
    {
      defaultDimensions: fullDimensions,
      dimensions: { min: 1, max: fullDimensions },
      maxInputs: 2_048,
      tokenArrays: true,
    },
    [{ provider: "openai", upstreamModel: `text-embedding-3-${size}`, jurisdiction: "US", endpoint: "global" }],
  );

export const EMBEDDING_MODELS: readonly EmbeddingModelEntry[] = [
  openaiEmbedding("small", 0.02, 1_536),
  openaiEmbedding("large", 0.13, 3_072),
  entry(
    "gemini/gemini-embedding-001",
    "Gemini Embedding 001",
    2_048,
    0.15,
    "ai.google.dev/gemini-api/docs/pricing as tracked by embeddingcost.com/google (April 2026): 0.15 standard",
    // 100 requests per batchEmbedContents call: the limit clients observe (Gemini's docs give none).
    { defaultDimensions: 3_072, dimensions: { min: 128, max: 3_072 }, maxInputs: 100, tokenArrays: false },
    [{ provider: "gemini", upstreamModel: "gemini-embedding-001", jurisdiction: "global", endpoint: "global" }],
  ),
  entry(
    "qwen/text-embedding-v4",
    "Qwen3 Text Embedding v4",
    8_192,
    0.072,
    "alibabacloud.com/help/en/model-studio/text-embedding-synchronous-api (updated 2026-03-24): Singapore 0.07, " +
      "Beijing 0.072; the higher is charged",
    {
      defaultDimensions: 1_024,
      dimensions: [2_048, 1_536, 1_024, 768, 512, 256, 128, 64],
      maxInputs: 10,
      tokenArrays: false,
    },
    qwenEmbeddingRoutes("text-embedding-v4"),
  ),
  entry(
    "zai/embedding-3",
    "Embedding-3",
    8_192,
    0.072,
    "docs.bigmodel.cn embedding-3: 0.5 CNY per 1M tokens, at 7.0 CNY/USD (0.0715) rounded up",
    { defaultDimensions: 2_048, dimensions: [256, 512, 1_024, 2_048], maxInputs: 64, tokenArrays: false },
    zaiRoutes("embedding-3"),
  ),
];

const byId: ReadonlyMap<string, EmbeddingModelEntry> = new Map(EMBEDDING_MODELS.map((model) => [model.id, model]));

export function findEmbeddingModel(id: string): EmbeddingModelEntry | undefined {
  return byId.get(id);
}
