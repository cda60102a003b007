/**
 * Gemini embeddings: `POST {base}/v1beta/models/{model}:batchEmbedContents` with one request per input (text only),
 * `outputDimensionality` for `dimensions`, the key in `x-goog-api-key` as for chat. `taskType` and `title` are not
 * set (the model's default); vectors below the full 3072 dimensions come back unnormalised, as Gemini sends them.
 * Usage: `usageMetadata.promptTokenCount` when the answer has it; otherwise none (the gateway then estimates).
 * https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
import { GatewayError } from "../../errors.ts";
import { inputCount } from "../../lib/embedding-request.ts";
import { embeddingUsage, readVector, type EmbeddingAdapter } from "../embedding-types.ts";
import { isJsonObject } from "./gemini-api-types.ts";

const unreadable = () =>
  new GatewayError("upstream_error", "The upstream provider (gemini) sent an unreadable embeddings response.");

export const geminiEmbeddingAdapter: EmbeddingAdapter = {
  buildEmbeddingRequest({ request, upstreamModel, target }) {
    const { inputs } = request;
    // parse-embedding-request.ts refuses token arrays for Gemini models (catalog: tokenArrays false).
    if (inputs.kind !== "text")
      throw new GatewayError("invalid_request", "Gemini embeds text only.", { param: "input" });
    const model = `models/${upstreamModel}`;
    const requests = inputs.texts.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(request.dimensions === null ? {} : { outputDimensionality: request.dimensions }),
    }));
    return {
      url: `${target.baseUrl.replace(/\/+$/, "")}/v1beta/models/${encodeURIComponent(upstreamModel)}:batchEmbedContents`,
      headers: { "x-goog-api-key": target.apiKey, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ requests }),
    };
  },

  parseEmbeddingResponse(json, { request }) {
    if (!isJsonObject(json) || !Array.isArray(json.embeddings)) throw unreadable();
    const vectors = json.embeddings.map((item) => (isJsonObject(item) ? readVector(item.values) : null));
    if (vectors.length !== inputCount(request.inputs) || vectors.some((vector) => vector === null)) throw unreadable();
    const tokens = isJsonObject(json.usageMetadata) ? json.usageMetadata.promptTokenCount : undefined;
    return {
      vectors: vectors as number[][],
      usage: Number.isSafeInteger(tokens) && (tokens as number) >= 0 ? embeddingUsage(tokens as number) : null,
    };
  },
};
