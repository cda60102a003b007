import type { ProviderId } from "../providers/provider-ids.ts";

/** Where a provider processes the data of a request routed to it (policy section 8). */
export type Jurisdiction = "CN" | "SG" | "US" | "EU" | "global";

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

export interface ModelRoute {
  provider: ProviderId;
  /** The model id the upstream expects. */
  upstreamModel: string;
  jurisdiction: Jurisdiction;
  /** Endpoint family where a provider has more than one (international vs China mainland). */
  endpoint: "international" | "china" | "global";
}

export interface ModelEntry {
  /** `provider/model`, the id clients send. */
  id: `${ProviderId}/${string}`;
  name: string;
  contextLength: number;
  capabilities: { tools: boolean; vision: boolean; reasoning: boolean };
  price: Price;
  /** Tried in order (fallbacks arrive with the providers issue). */
  routes: readonly [ModelRoute, ...ModelRoute[]];
}
