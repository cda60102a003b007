/**
 * Which upstream routes a request may use: the model's routes, in catalog order, whose provider has an adapter and a
 * configured key, and whose jurisdiction the caller allows (policy section 8). A model with no allowed route is
 * refused with 403 naming the reason; it is never routed elsewhere silently.
 */
import type { ModelEntry, ModelRoute } from "../catalog/types.ts";
import { providerConfig, type Config } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { getAdapter } from "../providers/index.ts";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types.ts";

export interface RouteCandidate {
  route: ModelRoute;
  adapter: ProviderAdapter;
  target: UpstreamTarget;
}

export function selectRoutes(
  config: Config,
  model: ModelEntry,
  allowedJurisdictions: readonly string[] | null,
): RouteCandidate[] {
  const configured: RouteCandidate[] = [];
  for (const route of model.routes) {
    const adapter = getAdapter(route.provider);
    const provider = providerConfig(config, route.provider, route.family);
    if (!adapter || !provider.apiKey) continue;
    const baseUrl = provider.baseUrl ?? route.baseUrl ?? adapter.defaultBaseUrl;
    configured.push({ route, adapter, target: { apiKey: provider.apiKey, baseUrl } });
  }
  if (configured.length === 0) {
    throw new GatewayError("provider_not_configured", `No upstream for '${model.id}' is configured on this gateway.`);
  }
  if (allowedJurisdictions === null) return configured;
  const allowed = configured.filter((candidate) => allowedJurisdictions.includes(candidate.route.jurisdiction));
  if (allowed.length === 0) {
    const offered = [...new Set(configured.map((candidate) => candidate.route.jurisdiction))].join(", ");
    throw new GatewayError(
      "jurisdiction_not_allowed",
      `'${model.id}' is processed only in ${offered}, and this key allows ${allowedJurisdictions.join(", ") || "no jurisdiction"}. ` +
        "Choose a model routed where you allow, or change the allowed jurisdictions of the key or account.",
      { param: "model" },
    );
  }
  return allowed;
}
