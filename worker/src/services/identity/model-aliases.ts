/**
 * Per-key model aliases (`api_keys.model_aliases`): ids a client may send in `model` besides the catalog's, each
 * naming one catalog model (e.g. `claude-sonnet` -> `deepseek/deepseek-v4-pro`, so an agent that only accepts
 * Anthropic-looking ids can use any model). The contract checks the shape (contracts/keys-api.ts); this checks the
 * targets against the catalog. Resolution on the hot path: services/hot-path/key-aliases.ts.
 */
import { findModel } from "../../catalog/models.ts";
import type { ModelAliases } from "../../contracts/keys-api.ts";
import { GatewayError } from "../../errors.ts";

/** The aliases as given when every target is a catalog model and no alias is a catalog id; a 400 naming the first
 * offending alias otherwise. */
export function validateModelAliases(aliases: ModelAliases): ModelAliases {
  for (const [alias, target] of Object.entries(aliases)) {
    if (findModel(alias)) {
      throw new GatewayError(
        "invalid_request",
        `The alias '${alias}' is a catalog model id; an alias may not shadow one.`,
        { param: `modelAliases.${alias}` },
      );
    }
    if (!findModel(target)) {
      throw new GatewayError(
        "invalid_request",
        `The alias '${alias}' names '${target.slice(0, 100)}', which is not a catalog model (GET /v1/models lists them).`,
        { param: `modelAliases.${alias}` },
      );
    }
  }
  return aliases;
}

/** A stored alias map as read back from Postgres or Redis: entries that are not string -> string are left out. */
export function readAliasMap(value: unknown): Record<string, string> {
  if (typeof value === "string") {
    try {
      return readAliasMap(JSON.parse(value));
    } catch {
      return {};
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}
