/**
 * The model a request names: a catalog id as is (no extra round trip), otherwise one of the caller's key aliases
 * (services/hot-path/key-aliases.ts: nothing read for a key this isolate knows, else one Redis read, or one Postgres
 * read on a cold key record). Used by every
 * surface before admission (`beforeAdmission`), so a request naming no model it may use gets `model_not_found` only
 * after its key has been checked.
 */
import { findEmbeddingModel } from "../catalog/embedding-models.ts";
import { requireChatModel } from "../catalog/model-kind.ts";
import { findModel } from "../catalog/models.ts";
import type { ModelEntry } from "../catalog/types.ts";
import { GatewayError } from "../errors.ts";
import { readKeyAliases } from "../services/hot-path/key-aliases.ts";
import type { ChatScope } from "./chat-scope.ts";

export interface ResolvedModel {
  model: ModelEntry;
  /** The alias the client sent, when it named the model by one of its key's aliases; null for a catalog id. */
  alias: string | null;
}

/** The catalog model `id` names for this caller, or undefined. */
export async function resolveModel(
  scope: Pick<ChatScope, "services" | "keyHash" | "waitUntil">,
  id: string,
): Promise<ResolvedModel | undefined> {
  const model = findModel(id);
  if (model) return { model, alias: null };
  if (!scope.keyHash) return undefined;
  const target = (await readKeyAliases({ ...scope.services, waitUntil: scope.waitUntil }, scope.keyHash))[id];
  const aliased = target === undefined ? undefined : findModel(target);
  return aliased ? { model: aliased, alias: id } : undefined;
}

/** `resolveModel`, or `model_not_found` (404) naming the id and where the ids are listed. */
export async function requireModel(
  scope: Pick<ChatScope, "services" | "keyHash" | "waitUntil">,
  id: string,
): Promise<ResolvedModel> {
  const resolved = await resolveModel(scope, id);
  if (resolved) return resolved;
  // An embedding model gets requireChatModel's 400 (naming POST /v1/embeddings); any other id the 404 below.
  if (findEmbeddingModel(id)) requireChatModel(id);
  const message = `The model '${id.slice(0, 100)}' does not exist; GET /v1/models lists them (with your key, its aliases too).`;
  throw new GatewayError("model_not_found", message, { param: "model" });
}
