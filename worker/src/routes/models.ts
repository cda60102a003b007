/**
 * GET /v1/models: OpenAI's list shape, each entry also carrying pricing (USD per 1M tokens, as strings to avoid
 * float noise; the default band, then `long_context` and `off_peak` bands where the model has them), context length,
 * capabilities and where each route processes data. Lists the models that work here:
 * those whose provider has an adapter.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { MODELS } from "../catalog/models.ts";
import type { PublicModel, PublicModelList } from "../contracts/models-api.ts";
import type { ModelEntry, PeakSchedule, TokenRates } from "../catalog/types.ts";
import { getAdapter } from "../providers/index.ts";

const CATALOG_CREATED = Math.floor(Date.UTC(2026, 10, 26) / 1000);

const perMillionUsd = (microUsd: number): string => (microUsd / 1_000_000).toString();

/** One band's rates; `cache_write` / `cache_write_1h` only where the provider prices them apart. */
function describeRates(rates: TokenRates) {
  return {
    input: perMillionUsd(rates.input),
    cached_input: perMillionUsd(rates.cachedInput),
    ...(rates.cacheWrite === undefined ? {} : { cache_write: perMillionUsd(rates.cacheWrite) }),
    ...(rates.cacheWrite1h === undefined ? {} : { cache_write_1h: perMillionUsd(rates.cacheWrite1h) }),
    output: perMillionUsd(rates.output),
  };
}

const clock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

function describePeak(peak: PeakSchedule) {
  return {
    utc_offset_minutes: peak.offsetMinutes,
    iso_weekdays: [...peak.weekdays],
    windows: peak.windows.map(([start, end]) => `${clock(start)}-${clock(end)}`),
    holidays: [...peak.holidays],
  };
}

function describe(model: ModelEntry): PublicModel {
  const { longContext, timeOfDay } = model.price;
  return {
    id: model.id,
    object: "model" as const,
    created: CATALOG_CREATED,
    owned_by: model.routes[0].provider,
    name: model.name,
    context_length: model.contextLength,
    capabilities: model.capabilities,
    pricing: {
      unit: "USD per 1M tokens",
      ...describeRates(model.price),
      ...(longContext
        ? { long_context: { above_input_tokens: longContext.aboveInputTokens, ...describeRates(longContext.rates) } }
        : {}),
      ...(timeOfDay
        ? { off_peak: { ...describeRates(timeOfDay.offPeakRates), outside_peak: describePeak(timeOfDay.peak) } }
        : {}),
      version: model.price.version,
    },
    jurisdictions: [...new Set(model.routes.map((route) => route.jurisdiction))],
    routes: model.routes.map((route) => ({
      provider: route.provider,
      jurisdiction: route.jurisdiction,
      endpoint: route.endpoint,
    })),
  };
}

const listed = MODELS.filter((model) => model.routes.some((route) => getAdapter(route.provider)));

export const modelsRoute = new Hono<AppEnv>()
  .get("/", (context) => context.json({ object: "list", data: listed.map(describe) } satisfies PublicModelList))
  .get("/:owner/:name", (context) => {
    const model = listed.find((entry) => entry.id === `${context.req.param("owner")}/${context.req.param("name")}`);
    return model ? context.json(describe(model)) : context.notFound();
  });
