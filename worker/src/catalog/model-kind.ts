/**
 * Which endpoint serves which model: chat models (models.ts) on the chat surfaces, embedding models
 * (embedding-models.ts) on `/v1/embeddings`. A model of the other kind is a 400 naming `model` and the endpoint to
 * use; an id in neither list is a 404, as OpenAI answers an unknown model.
 */
import { GatewayError } from "../errors.ts";
import { findEmbeddingModel } from "./embedding-models.ts";
import { findModel } from "./models.ts";
import type { EmbeddingModelEntry, ModelEntry } from "./types.ts";

function notFound(id: string): GatewayError {
  const message = `The model '${id.slice(0, 100)}' does not exist; GET /v1/models lists them.`;
  return new GatewayError("model_not_found", message, { param: "model" });
}

/** The chat model `id`; throws 400 for an embedding model, 404 for an unknown id. */
export function requireChatModel(id: string): ModelEntry {
  const model = findModel(id);
  if (model) return model;
  if (findEmbeddingModel(id)) {
    throw new GatewayError(
      "invalid_request",
      `'${id}' is an embedding model: send it to POST /v1/embeddings, or choose a chat model here.`,
      { param: "model" },
    );
  }
  throw notFound(id);
}

/** The embedding model `id`; throws 400 for a chat model, 404 for an unknown id. */
export function requireEmbeddingModel(id: string): EmbeddingModelEntry {
  const model = findEmbeddingModel(id);
  if (model) return model;
  if (findModel(id)) {
    throw new GatewayError(
      "invalid_request",
      `'${id}' is a chat model, not an embedding model; GET /v1/models lists the embedding models (kind "embedding").`,
      { param: "model" },
    );
  }
  throw notFound(id);
}
