/**
 * The providers that embed, each with its embedding adapter: a closed table checked with `satisfies`, as the chat
 * registry (index.ts). OpenAI, Qwen and Z.ai speak OpenAI's `/embeddings`; Gemini its own `batchEmbedContents`.
 */
import type { EmbeddingAdapter } from "./embedding-types.ts";
import { geminiEmbeddingAdapter } from "./gemini/gemini-embeddings-adapter.ts";
import { createOpenAICompatibleEmbeddingAdapter } from "./openai-compatible/embeddings-adapter.ts";
import type { ProviderId } from "./provider-ids.ts";

export const EMBEDDING_ADAPTERS = {
  openai: createOpenAICompatibleEmbeddingAdapter("openai"),
  qwen: createOpenAICompatibleEmbeddingAdapter("qwen"),
  zai: createOpenAICompatibleEmbeddingAdapter("zai"),
  gemini: geminiEmbeddingAdapter,
} satisfies Partial<Record<ProviderId, EmbeddingAdapter>>;

export function getEmbeddingAdapter(provider: ProviderId): EmbeddingAdapter | undefined {
  return (EMBEDDING_ADAPTERS as Partial<Record<ProviderId, EmbeddingAdapter>>)[provider];
}
