/**
 * GET /v1/models: for an Anthropic client (`anthropic-version` or `x-api-key` on the request, as Claude Code's model
 * discovery sends), Anthropic's page of `ModelInfo` with each model's context window and output limit; otherwise
 * OpenAI's list shape, each entry also carrying pricing (USD per 1M tokens, as strings to avoid
 * float noise; the default band, then `long_context` and `off_peak` bands where the model has them), context length,
 * capabilities and where each route processes data, then the embedding models (`kind: "embedding"`, OpenAI shape
 * only). Lists the models that work here: those whose provider has an adapter. Public; with a valid key
 * (`Authorization: Bearer` or `x-api-key`) the key's model aliases come first (`id` = the alias; Anthropic's
 * `display_name` and OpenAI's `name` and `alias_of` name the target; context window and output limit are the
 * target's), which is how Claude Code's picker, keeping only `claude*` / `anthropic*` ids, shows other models. The key
 * is checked by the auth-only admission (one Upstash round trip, Postgres only for a cold record, as on
 * /v1/messages/count_tokens); a bad, unknown or limited key just gets the public list.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { EMBEDDING_MODELS } from "../catalog/embedding-models.ts";
import { MODELS } from "../catalog/models.ts";
import type { AnthropicModel, AnthropicModelList, PublicModel, PublicModelList } from "../contracts/models-api.ts";
import { maxOutputTokens } from "../catalog/output-limits.ts";
import type { Context } from "hono";
import type { EmbeddingModelEntry, ModelEntry, PeakSchedule, TokenRates } from "../catalog/types.ts";
import { getAdapter } from "../providers/index.ts";
import { hashApiKey, isWellFormedApiKey } from "../lib/api-key.ts";
import { readKeyAliases } from "../services/hot-path/key-aliases.ts";
import { admitWithoutCompletion } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { GatewayError } from "../errors.ts";

/** One listed id: a catalog model under its own id, or under one of the caller's key aliases. */
interface Listed {
  id: string;
  model: ModelEntry;
  alias: boolean;
}

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

/** An embedding model: the same entry, marked `kind: "embedding"`, with what `/v1/embeddings` accepts for it. */
function describeEmbedding(model: EmbeddingModelEntry): PublicModel {
  const { defaultDimensions, dimensions, maxInputs, tokenArrays } = model.embedding;
  return {
    ...describe(model),
    kind: "embedding",
    embedding: {
      default_dimensions: defaultDimensions,
      dimensions: "min" in dimensions ? { min: dimensions.min, max: dimensions.max } : [...dimensions],
      max_inputs: maxInputs,
      token_arrays: tokenArrays,
    },
  };
}

/** Embedding models are listed to OpenAI clients only: Anthropic's clients (Claude Code) pick chat models there. */
const embeddingsListed = EMBEDDING_MODELS.filter((model) => model.routes.some((route) => getAdapter(route.provider)));

const CATALOG_CREATED_AT = new Date(CATALOG_CREATED * 1000).toISOString();

/** `describe`, under an alias id. */
function describeListed({ id, model, alias }: Listed): PublicModel {
  const described = describe(model);
  return alias ? { ...described, id, name: `${id} → ${model.name}`, alias_of: model.id } : described;
}

function describeForAnthropic({ id, model, alias }: Listed): AnthropicModel {
  return {
    type: "model",
    id,
    display_name: alias ? `${id} → ${model.name} (${model.id})` : model.name,
    created_at: CATALOG_CREATED_AT,
    max_input_tokens: model.contextLength,
    max_tokens: maxOutputTokens(model.id),
  };
}

/** Anthropic's clients mark their requests with these headers; Claude Code's model discovery sends the first. */
function isAnthropicClient(context: Context<AppEnv>): boolean {
  return context.req.header("anthropic-version") !== undefined || context.req.header("x-api-key") !== undefined;
}

/** The caller's key aliases (first) and the catalog; the catalog only without a valid key. */
async function listedFor(context: Context<AppEnv>): Promise<Listed[]> {
  const catalog = listed.map((model) => ({ id: model.id, model, alias: false }));
  const bearer = context.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const key = bearer ?? context.req.header("x-api-key")?.trim();
  if (!key || !isWellFormedApiKey(key)) return catalog;
  // The key is checked as on every /v1 call (the auth-only admission: failed-auth throttle, negative cache, limits),
  // which also leaves its record, aliases included, at the edge: this endpoint is public and never reads Postgres
  // for a key that admission has not let in.
  context.set("apiKey", key);
  context.set("keyHash", await hashApiKey(key));
  const scope = chatScope(context);
  try {
    await admitWithoutCompletion(scope);
  } catch (error) {
    if (error instanceof GatewayError) return catalog;
    throw error;
  }
  const aliases = await readKeyAliases({ ...scope.services, waitUntil: scope.waitUntil }, scope.keyHash);
  const aliased = Object.entries(aliases).flatMap(([id, target]) => {
    const model = listed.find((entry) => entry.id === target);
    return model ? [{ id, model, alias: true }] : [];
  });
  return [...aliased, ...catalog];
}

/** Anthropic's paging: `limit` (1–1000, default 20), then the models after `after_id` or before `before_id`. */
function anthropicPage(context: Context<AppEnv>, entries: Listed[]): AnthropicModelList {
  const limitParam = Number(context.req.query("limit") ?? 20);
  const limit = Number.isInteger(limitParam) ? Math.min(Math.max(limitParam, 1), 1000) : 20;
  const ids: string[] = entries.map((entry) => entry.id);
  const afterId = context.req.query("after_id");
  const beforeId = context.req.query("before_id");
  let page: Listed[];
  let hasMore: boolean;
  if (beforeId !== undefined) {
    const end = Math.max(ids.indexOf(beforeId), 0);
    page = entries.slice(Math.max(end - limit, 0), end);
    hasMore = end - limit > 0;
  } else {
    const start = afterId === undefined ? 0 : ids.indexOf(afterId) + 1;
    page = start === 0 && afterId !== undefined ? [] : entries.slice(start, start + limit);
    hasMore = start + limit < entries.length && page.length > 0;
  }
  return {
    data: page.map(describeForAnthropic),
    has_more: hasMore,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}

export const modelsRoute = new Hono<AppEnv>()
  .get("/", async (context) => {
    const entries = await listedFor(context);
    return isAnthropicClient(context)
      ? context.json(anthropicPage(context, entries))
      : context.json({
          object: "list",
          data: [...entries.map(describeListed), ...embeddingsListed.map(describeEmbedding)],
        } satisfies PublicModelList);
  })
  .get("/:owner/:name", (context) => oneModel(context, `${context.req.param("owner")}/${context.req.param("name")}`))
  // The official SDKs encode the id's slash (`/v1/models/deepseek%2Fdeepseek-flash`): one segment, decoded here.
  .get("/:id", (context) => oneModel(context, context.req.param("id")));

async function oneModel(context: Context<AppEnv>, id: string) {
  const entry = (await listedFor(context)).find((candidate) => candidate.id === id);
  if (entry) return context.json(isAnthropicClient(context) ? describeForAnthropic(entry) : describeListed(entry));
  const embedding = isAnthropicClient(context) ? undefined : embeddingsListed.find((candidate) => candidate.id === id);
  return embedding ? context.json(describeEmbedding(embedding)) : context.notFound();
}
