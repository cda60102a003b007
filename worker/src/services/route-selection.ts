/**
 * Which upstream routes a request may use: the model's routes, in catalog order, whose provider has an adapter and a
 * configured key, and whose jurisdiction the caller allows (policy section 8). A model with no allowed route is
 * refused with 403 naming the reason; it is never routed elsewhere silently. With routing preferences
 * (services/routing/routing-preferences.ts) the candidates are the routes of the request's model and then of each
 * fallback model, ordered and narrowed by the provider preferences, always inside the allowed jurisdictions.
 *
 * A provider listed in `LITELLM_PROVIDERS` has its own (non-regional) routes relayed through the LiteLLM proxy
 * (docs/litellm.md): same route, jurisdiction and price; the LiteLLM adapter, model name, base URL and key.
 */
import type { ModelEntry, ModelRoute } from "../catalog/types.ts";
import { providerConfig, type Config } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { getAdapter } from "../providers/index.ts";
import { createLiteLLMAdapter } from "../providers/litellm/litellm-adapter.ts";
import { isLiteLLMProvider, liteLLMModelName } from "../providers/litellm/litellm-models.ts";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types.ts";
import { applyProviderPreferences } from "./routing/apply-provider-preferences.ts";
import type { ProviderLatency } from "./routing/provider-latency.ts";
import type { ProviderPreferences } from "./routing/routing-preferences.ts";

export interface RouteCandidate {
  /** The catalog model this route serves (the request's own, or a fallback model). */
  model: ModelEntry;
  route: ModelRoute;
  adapter: ProviderAdapter;
  target: UpstreamTarget;
  /** Set when the route is relayed through the LiteLLM proxy. */
  relay?: "litellm";
}

function liteLLMCandidate(config: Config, model: ModelEntry, route: ModelRoute): RouteCandidate | null {
  const { LITELLM_BASE_URL: baseUrl, LITELLM_API_KEY: apiKey } = config;
  const provider = route.provider;
  if (route.family || !baseUrl || !apiKey || !isLiteLLMProvider(provider)) return null;
  if (!config.LITELLM_PROVIDERS.includes(provider)) return null;
  return {
    model,
    route: { ...route, upstreamModel: liteLLMModelName(provider, route.upstreamModel) },
    adapter: createLiteLLMAdapter(provider),
    target: { apiKey, baseUrl },
    relay: "litellm",
  };
}

/** The model's routes this gateway can call (an adapter and a key), in catalog order. */
export function configuredRoutes(config: Config, model: ModelEntry): RouteCandidate[] {
  const configured: RouteCandidate[] = [];
  for (const route of model.routes) {
    const relayed = liteLLMCandidate(config, model, route);
    if (relayed) {
      configured.push(relayed);
      continue;
    }
    const adapter = getAdapter(route.provider);
    const provider = providerConfig(config, route.provider, route.family);
    if (!adapter || !provider.apiKey) continue;
    const baseUrl = provider.baseUrl ?? route.baseUrl ?? adapter.defaultBaseUrl;
    configured.push({ model, route, adapter, target: { apiKey: provider.apiKey, baseUrl } });
  }
  return configured;
}

const withinJurisdictions = (candidates: RouteCandidate[], allowed: readonly string[] | null) =>
  allowed === null ? candidates : candidates.filter((candidate) => allowed.includes(candidate.route.jurisdiction));

function jurisdictionError(what: string, candidates: RouteCandidate[], allowed: readonly string[]): GatewayError {
  const offered = [...new Set(candidates.map((candidate) => candidate.route.jurisdiction))].join(", ");
  return new GatewayError(
    "jurisdiction_not_allowed",
    `${what} processed only in ${offered}, and this key allows ${allowed.join(", ") || "no jurisdiction"}. ` +
      "Choose a model routed where you allow, or change the allowed jurisdictions of the key or account.",
    { param: "model" },
  );
}

export function selectRoutes(
  config: Config,
  model: ModelEntry,
  allowedJurisdictions: readonly string[] | null,
): RouteCandidate[] {
  const configured = configuredRoutes(config, model);
  if (configured.length === 0) {
    throw new GatewayError("provider_not_configured", `No upstream for '${model.id}' is configured on this gateway.`);
  }
  const allowed = withinJurisdictions(configured, allowedJurisdictions);
  if (allowed.length === 0 && allowedJurisdictions !== null) {
    throw jurisdictionError(`'${model.id}' is`, configured, allowedJurisdictions);
  }
  return allowed;
}

export interface CandidateOptions {
  /** The request's model first, then its fallback models. */
  models: readonly [ModelEntry, ...ModelEntry[]];
  allowedJurisdictions: readonly string[] | null;
  provider: ProviderPreferences;
  /** Micro-USD the request costs at most on a model (its credit reservation there), for `sort: "price"`. */
  costOf(model: ModelEntry): number;
  latency: ProviderLatency;
}

/**
 * The routes to try, in order, for a request with routing preferences. Errors, each saying why: no configured route
 * for any of the models (503), none inside the allowed jurisdictions, or only outside them once the preferences are
 * applied (403, `jurisdiction_not_allowed`), or preferences that exclude every allowed route (400 naming `provider`).
 */
export function selectCandidates(config: Config, options: CandidateOptions): RouteCandidate[] {
  const { models, allowedJurisdictions, provider } = options;
  const names = models.map((model) => `'${model.id}'`).join(", ");
  const configured = models.flatMap((model) => configuredRoutes(config, model));
  if (configured.length === 0) {
    throw new GatewayError("provider_not_configured", `No upstream for ${names} is configured on this gateway.`);
  }
  const rank = (candidates: RouteCandidate[]) =>
    applyProviderPreferences(candidates, provider, {
      providerOf: (candidate) => candidate.route.provider,
      costOf: (candidate) => options.costOf(candidate.model),
      latencyOf: (candidate) => options.latency.averageOf(candidate.route.provider),
    });
  const allowed = withinJurisdictions(configured, allowedJurisdictions);
  if (allowed.length === 0 && allowedJurisdictions !== null) {
    throw jurisdictionError(models.length > 1 ? `${names} are` : `${names} is`, configured, allowedJurisdictions);
  }
  const ranked = rank(allowed);
  if (ranked.length > 0) return ranked;
  const preferredAnywhere = rank(configured);
  if (preferredAnywhere.length > 0 && allowedJurisdictions !== null) {
    throw jurisdictionError(
      `The routes your provider preferences allow for ${names} are`,
      preferredAnywhere,
      allowedJurisdictions,
    );
  }
  const providers = [...new Set(allowed.map((candidate) => candidate.route.provider))].join(", ");
  throw new GatewayError(
    "invalid_request",
    `The provider preferences leave no route for ${names}: the allowed routes are through ${providers}, and ` +
      "provider.only, provider.ignore or provider.allow_fallbacks exclude them all.",
    { param: "provider" },
  );
}
