/**
 * The answer of `POST /v1/embeddings`, in OpenAI's shape plus the cost every answer carries (docs/embeddings.md):
 * `{object: "list", data: [{object: "embedding", index, embedding}], model, usage: {prompt_tokens, total_tokens,
 * cost, cost_details}}`. `base64` is the little-endian float32 bytes of each vector, as OpenAI sends it and the
 * official SDKs decode it (the SDKs ask for it by default).
 * https://platform.openai.com/docs/api-reference/embeddings/object
 */
import { usageCostFields, type RequestCost, type UsageCostFields } from "../lib/cost.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import { encodeBase64 } from "../services/prompt-cache/base64.ts";

export interface EmbeddingsAnswer {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string }>;
  model: string;
  usage: {
    prompt_tokens: number;
    total_tokens: number;
  } & UsageCostFields;
}

/** A vector as base64 of its little-endian float32 bytes. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (const [index, value] of vector.entries()) view.setFloat32(index * 4, value, true);
  return encodeBase64(bytes);
}

export function renderEmbeddings(options: {
  vectors: readonly number[][];
  encodingFormat: "float" | "base64";
  modelId: string;
  usage: NormalizedUsage;
  cost: RequestCost;
}): EmbeddingsAnswer {
  const { vectors, encodingFormat, usage, cost } = options;
  const promptTokens = usage.inputUncached + usage.cacheRead + usage.cacheWrite;
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encodingFormat === "base64" ? float32Base64(vector) : [...vector],
    })),
    model: options.modelId,
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + usage.output,
      ...usageCostFields(cost),
    },
  };
}
