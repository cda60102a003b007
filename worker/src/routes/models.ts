/**
 * GET /v1/models: OpenAI's list shape, each entry also carrying pricing (USD per 1M tokens, as strings to avoid
 * float noise), context length, capabilities and where each route processes data. Lists the models that work here:
 * those whose provider has an adapter.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { MODELS } from "../catalog/models.ts";
import type { ModelEntry } from "../catalog/types.ts";
import { getAdapter } from "../providers/index.ts";

const CATALOG_CREATED = Math.floor(Date.UTC(2026, 10, 26) / 1000);

const perMillionUsd = (microUsd: number): string => (microUsd / 1_000_000).toString();

function describe(model: ModelEntry) {
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
      input: perMillionUsd(model.price.input),
      cached_input: perMillionUsd(model.price.cachedInput),
      ...(model.price.cacheWrite === undefined ? {} : { cache_write: perMillionUsd(model.price.cacheWrite) }),
      output: perMillionUsd(model.price.output),
      version: model.price.version,
    },
    jurisdictions: [...new Set(model.routes.map((route) => route.jurisdiction))],
    routes: model.routes.map((route) => ({ provider: route.provider, jurisdiction: route.jurisdiction, endpoint: route.endpoint })),
  };
}

const listed = MODELS.filter((model) => model.routes.some((route) => getAdapter(route.provider)));

export const modelsRoute = new Hono<AppEnv>()
  .get("/", (context) => context.json({ object: "list", data: listed.map(describe) }))
  .get("/:owner/:name", (context) => {
    const model = listed.find((entry) => entry.id === `${context.req.param("owner")}/${context.req.param("name")}`);
    return model ? context.json(describe(model)) : context.notFound();
  });
