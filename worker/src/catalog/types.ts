import type { ProviderId } from "../providers/provider-ids.ts";

/** Where a provider processes the data of a request routed to it (policy section 8). */
export const JURISDICTIONS = ["CN", "SG", "US", "EU", "global"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/**
 * A stored allow-list (a text[] column) as the dashboard API shows it: the lists are written through the API's
 * validation, so every value is known; one that is not (a hand edit) is left out, as routing never matches it.
 */
export function knownJurisdictions(list: readonly string[] | null): Jurisdiction[] | null {
  if (list === null) return null;
  return list.filter((value): value is Jurisdiction => (JURISDICTIONS as readonly string[]).includes(value));
}

/** Rates in integer micro-USD per 1M tokens (1 USD/M = 1_000_000). */
export interface TokenRates {
  input: number;
  cachedInput: number;
  /** 5-minute (or the provider's only) cache write; the input rate when absent. */
  cacheWrite?: number;
  /** 1-hour cache write (Anthropic `ttl: "1h"`: 2x input); the 5-minute write rate when absent. */
  cacheWrite1h?: number;
  output: number;
}

/**
 * A whole-request long-context band: when a request's prompt (uncached + cache reads + cache writes) is above
 * `aboveInputTokens`, every token of it is charged at `rates` (Anthropic, Gemini, OpenAI and MiniMax bill so).
 */
export interface LongContextBand {
  aboveInputTokens: number;
  rates: TokenRates;
  source: string;
}

/**
 * A weekly peak window in the provider's local time: `offsetMinutes` from UTC (no daylight saving), ISO weekdays
 * (1 = Monday) and `[start, end)` minutes after local midnight. Listed local `holidays` (YYYY-MM-DD) have no peak.
 */
export interface PeakSchedule {
  offsetMinutes: number;
  weekdays: readonly number[];
  windows: readonly (readonly [number, number])[];
  holidays: readonly string[];
}

/** A time-of-day band: a request that STARTS outside the peak windows is charged at `offPeakRates`. */
export interface TimeOfDayBand {
  peak: PeakSchedule;
  offPeakRates: TokenRates;
  source: string;
}

/** Prices with when and where they were read. The top-level rates are the default (peak, short-context) band. */
export interface Price extends TokenRates {
  /** Version stored on each usage row, e.g. `2026-11-26`; `+off-peak` is appended when the off-peak band applied. */
  version: string;
  source: string;
  longContext?: LongContextBand;
  timeOfDay?: TimeOfDayBand;
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

/**
 * What an embedding model accepts beyond its text (docs/embeddings.md): the vector length it returns when a request
 * sets no `dimensions`, the `dimensions` a request may ask for (any integer in a range, or one of a list), how many
 * inputs one request may carry, and whether OpenAI-tokenizer token arrays are accepted as input.
 */
export interface EmbeddingSpec {
  defaultDimensions: number;
  dimensions: { min: number; max: number } | readonly number[];
  maxInputs: number;
  tokenArrays: boolean;
}

/**
 * An embedding model (`POST /v1/embeddings`): priced per input token only (`cachedInput` = `input`, `output` = 0, so
 * `computeCost` bills it like any model); `contextLength` is the most tokens one input may have. Kept in its own list
 * (embedding-models.ts): the chat surfaces never route to one, and the embeddings endpoint only to one.
 */
export interface EmbeddingModelEntry extends ModelEntry {
  kind: "embedding";
  embedding: EmbeddingSpec;
}
