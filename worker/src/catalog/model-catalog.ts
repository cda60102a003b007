/**
 * The catalog as the dashboard's Models page shows it (`GET /api/models`): per model its prices in integer micro-USD
 * per 1M tokens (the price in force at `now`, default band: peak for DeepSeek, short context where a long-context
 * band exists; `/v1/models` lists the other bands), context length, output limit, capabilities, and where its
 * routes process data, in routing order.
 */
import type { CatalogModel, ModelCatalog } from "../contracts/dashboard-api.ts";
import { maxOutputTokens } from "./output-limits.ts";
import type { ModelEntry, Price } from "./types.ts";

/** The price in force at `now` (scheduled changes applied), default band. */
function listedPrice(model: ModelEntry, now: Date): Price {
  let current = model.price;
  for (const change of model.priceChanges ?? []) {
    if (Date.parse(`${change.effectiveFrom}T00:00:00Z`) <= now.getTime()) current = change.price;
  }
  return current;
}

export function catalogModel(model: ModelEntry, now: Date): CatalogModel {
  const price = listedPrice(model, now);
  return {
    id: model.id,
    name: model.name,
    provider: model.routes[0].provider,
    contextTokens: model.contextLength,
    maxOutputTokens: maxOutputTokens(model.id),
    capabilities: (["tools", "vision", "reasoning"] as const).filter((capability) => model.capabilities[capability]),
    jurisdictions: [...new Set(model.routes.map((route) => route.jurisdiction))],
    prices: {
      input: price.input,
      cachedInput: price.cachedInput,
      output: price.output,
      cacheWrite: price.cacheWrite ?? null,
    },
  };
}

export function modelCatalog(models: readonly ModelEntry[], bdtPerUsd: number, now: Date): ModelCatalog {
  return { data: models.map((model) => catalogModel(model, now)), bdtPerUsd };
}
