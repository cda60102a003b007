import type { ProviderId } from "../providers/provider-ids.ts";

/** Where a provider processes the data of a request routed to it (policy section 8). */
export const JURISDICTIONS = ["CN", "SG", "US", "EU", "global"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** Prices in integer micro-USD per 1M tokens (1 USD/M = 1_000_000), with when and where they were read. */
export interface Price {
  input: number;
  cachedInput: number;
  cacheWrite?: number;
  output: number;
  /** Version stored on each usage row, e.g. `2026-11-26`. */
  version: string;
  source: string;
}

/**
 * Endpoint families that need their own key and base URL beside the provider's default one (China-mainland and
 * regional endpoints; keys are region-bound). Env: `<FAMILY>_API_KEY`, `<FAMILY>_BASE_URL`.
 */
export const ENDPOINT_FAMILIES = ["ZAI_CN", "QWEN_US", "QWEN_CN", "MOONSHOT_CN", "MINIMAX_CN"] as const;
export type EndpointFamily = (typeof ENDPOINT_FAMILIES)[number];

export interface ModelRoute {
  provider: ProviderId;
  /** Credentials and base URL of a regional endpoint family; absent = the provider's own `<PROVIDER>_*`. */
  family?: EndpointFamily;
  /** Default base URL of this route when it differs from the adapter's. */
  baseUrl?: string;
  /** The model id the upstream expects. */
  upstreamModel: string;
  jurisdiction: Jurisdiction;
  /** Endpoint family where a provider has more than one (international vs China mainland). */
  endpoint: "international" | "china" | "global";
  /** Time allowed until the upstream's response headers; the gateway default when absent. */
  timeoutMs?: number;
}

/** A scheduled price change: from `effectiveFrom` (UTC date) on, `price` applies. */
export interface PriceChange {
  effectiveFrom: string;
  price: Price;
}

export interface ModelEntry {
  /** `provider/model`, the id clients send. */
  id: `${ProviderId}/${string}`;
  name: string;
  contextLength: number;
  capabilities: { tools: boolean; vision: boolean; reasoning: boolean };
  price: Price;
  priceChanges?: readonly PriceChange[];
  /** Tried in order (fallbacks arrive with the providers issue). */
  routes: readonly [ModelRoute, ...ModelRoute[]];
}
