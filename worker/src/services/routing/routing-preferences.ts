/**
 * Per-request routing preferences in OpenRouter's style (https://openrouter.ai/docs/guides/routing/model-fallbacks,
 * https://openrouter.ai/docs/guides/routing/provider-selection), read from the top-level `models` and `provider`
 * fields of a chat request (docs/routing.md). One parser for every surface: the fields are consumed here and never
 * forwarded upstream (each surface's forwarding policy strips them).
 *
 * | field | accepted | omnizen's meaning |
 * |---|---|---|
 * | `models` | up to 4 catalog ids | fallback models tried after the request's `model`, in order (duplicates skipped) |
 * | `provider.order` | provider ids | these providers' routes first, in this order; then the rest |
 * | `provider.allow_fallbacks` | boolean, default true | false: only the `order` providers, or without `order` only the
 * first candidate's provider |
 * | `provider.only` / `provider.ignore` | provider ids | allow-list / deny-list of providers |
 * | `provider.sort` | `price` / `latency` | cheapest first (what this request costs at most on each model) / fastest
 * first (observed time to the upstream's headers, services/routing/provider-latency.ts) |
 * | any other `provider` field (`zdr`, `max_price`, `data_collection`, `quantizations`, `require_parameters`, ...),
 * `sort` objects, `throughput` | refused (400 naming it): never silently ignored |
 *
 * Provider ids are omnizen's (`GET /v1/models` ids before the slash), matched case-insensitively. Preferences never
 * widen the key's or account's allowed jurisdictions: they only order and narrow the routes those allow.
 */
import { findModel } from "../../catalog/models.ts";
import type { ModelEntry } from "../../catalog/types.ts";
import { GatewayError } from "../../errors.ts";
import { PROVIDER_IDS, type ProviderId } from "../../providers/provider-ids.ts";

/** At most this many fallback models (OpenRouter's own examples use two or three). */
export const MAX_FALLBACK_MODELS = 4;

export type ProviderSort = "price" | "latency";

export interface ProviderPreferences {
  order?: readonly ProviderId[];
  allowFallbacks: boolean;
  only?: readonly ProviderId[];
  ignore?: readonly ProviderId[];
  sort?: ProviderSort;
}

export interface RoutingPreferences {
  /** Fallback models after the request's own, in order; never the request's model, never twice. */
  fallbackModels: readonly ModelEntry[];
  provider: ProviderPreferences;
}

const PROVIDER_FIELDS = ["order", "allow_fallbacks", "only", "ignore", "sort"] as const;

const refuse = (param: string, message: string) => new GatewayError("invalid_request", message, { param });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function providerList(value: unknown, param: string): ProviderId[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw refuse(param, `${param} must be an array of provider ids.`);
  return value.map((item: unknown, index) => {
    const known = typeof item === "string" ? PROVIDER_IDS.find((id) => id === item.toLowerCase()) : undefined;
    if (!known) {
      const shown = typeof item === "string" ? `'${item.slice(0, 60)}'` : "a non-string value";
      throw refuse(
        `${param}[${index}]`,
        `${param}[${index}] is ${shown}, not a provider id; the providers are ${PROVIDER_IDS.join(", ")}.`,
      );
    }
    return known;
  });
}

function parseModels(value: unknown, primaryModel: string): ModelEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw refuse("models", "models must be an array of model ids.");
  if (value.length > MAX_FALLBACK_MODELS + 1) {
    throw refuse("models", `models lists ${value.length} models; at most ${MAX_FALLBACK_MODELS + 1} are accepted.`);
  }
  const seen = new Set([primaryModel]);
  const fallbacks: ModelEntry[] = [];
  value.forEach((item: unknown, index) => {
    const model = typeof item === "string" ? findModel(item) : undefined;
    if (!model) {
      const shown = typeof item === "string" ? `'${item.slice(0, 100)}'` : "a non-string value";
      throw refuse(`models[${index}]`, `models[${index}] is ${shown}, not a model id; GET /v1/models lists them.`);
    }
    if (seen.has(model.id)) return;
    seen.add(model.id);
    fallbacks.push(model);
  });
  if (fallbacks.length > MAX_FALLBACK_MODELS) {
    throw refuse("models", `models names ${fallbacks.length} fallback models; at most ${MAX_FALLBACK_MODELS}.`);
  }
  return fallbacks;
}

function parseProvider(value: unknown): ProviderPreferences {
  if (value === undefined || value === null) return { allowFallbacks: true };
  if (!isObject(value)) throw refuse("provider", "provider must be an object of routing preferences.");
  for (const field of Object.keys(value)) {
    if (!(PROVIDER_FIELDS as readonly string[]).includes(field)) {
      const name = `provider.${field.slice(0, 60)}`;
      throw refuse(name, `${name} is not supported; the accepted fields are ${PROVIDER_FIELDS.join(", ")}.`);
    }
  }
  const allow = value.allow_fallbacks;
  if (allow !== undefined && allow !== null && typeof allow !== "boolean") {
    throw refuse("provider.allow_fallbacks", "provider.allow_fallbacks must be a boolean.");
  }
  const sort = value.sort;
  if (sort !== undefined && sort !== null && sort !== "price" && sort !== "latency") {
    throw refuse("provider.sort", 'provider.sort must be "price" or "latency".');
  }
  const order = providerList(value.order, "provider.order");
  const only = providerList(value.only, "provider.only");
  const ignore = providerList(value.ignore, "provider.ignore");
  return {
    allowFallbacks: allow !== false,
    ...(order ? { order } : {}),
    ...(only ? { only } : {}),
    ...(ignore ? { ignore } : {}),
    ...(sort ? { sort } : {}),
  };
}

/**
 * Reads `models` and `provider` from a request body (the other fields are not looked at). Returns null when neither
 * is given (or both are null); throws a 400 `invalid_request` naming the field for an unknown model or provider id or
 * a bad shape. Pure.
 */
export function parseRoutingPreferences(
  body: Record<string, unknown>,
  primaryModel: string,
): RoutingPreferences | null {
  const { models, provider } = body;
  if ((models === undefined || models === null) && (provider === undefined || provider === null)) return null;
  return { fallbackModels: parseModels(models, primaryModel), provider: parseProvider(provider) };
}

/** What of the preferences can change the answer, as plain data for the prompt-cache key. */
export function preferencesKey(preferences: RoutingPreferences): unknown {
  const { provider } = preferences;
  return { models: preferences.fallbackModels.map((model) => model.id), provider };
}
