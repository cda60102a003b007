/**
 * The upstream body of the OpenAI-dialect adapter, from a request the surface's forwarding policy already filtered
 * (surfaces/openai/request-fields.ts: unknown and unpriced fields never get here). docs/forwarded-fields.md.
 *
 * | field | `openai` | other OpenAI-dialect providers |
 * |---|---|---|
 * | `model` | the route's upstream model | same |
 * | `stream_options` (streams) | `include_usage: true` forced: every request is billed from the provider's usage | same
 * |
 * | `store` | always `false`: OpenAI's default differs per endpoint; nothing is kept in omnizen's account | not sent |
 * | `service_tier` | always `default` (the standard tier the catalog prices) | not sent |
 * | `prediction`, `verbosity`, `safety_identifier`, `prompt_cache_key` | passed | stripped: OpenAI-only fields |
 * | `cache_control` on a message, content part or tool, `ttl` absent or `5m` | dropped (OpenAI caches automatically) |
 * Qwen, Z.ai (`EXPLICIT_CACHE_PROVIDERS`): passed (explicit cache, billed as cache writes); DeepSeek, Moonshot,
 * MiniMax: dropped (automatic caching only) |
 * | `cache_control.ttl` `1h` | dropped with the marker | Qwen: passed (Qwen's usage splits its cache writes by TTL,
 * `cache_creation.ephemeral_1h_input_tokens`, so 1-hour writes are billed at the 1-hour rate); Z.ai: the TTL dropped,
 * the marker kept (Z.ai has one cache lifetime); others: dropped with the marker |
 * | `cache_control.ttl` any other value | dropped with the marker | Qwen, Z.ai: refused (400 naming it) |
 * | content parts left text-only once their markers are dropped | joined into one string (blank line between) | same:
 * not every automatic-caching upstream takes text parts |
 * | every other field the surface passed | passed | passed |
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { ProviderId } from "../provider-ids.ts";

type Json = Record<string, unknown>;

const OPENAI_ONLY = ["prediction", "verbosity", "safety_identifier", "prompt_cache_key"] as const;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Anthropic's cache lifetimes, the values a `ttl` may take. */
const CACHE_TTLS: readonly unknown[] = [undefined, null, "5m", "1h"];

function checkCacheTtl(holder: unknown, path: string): void {
  if (!isObject(holder) || !isObject(holder.cache_control)) return;
  if (!CACHE_TTLS.includes(holder.cache_control.ttl)) {
    throw new GatewayError("invalid_request", `${path}.cache_control.ttl: a cache lifetime is "5m" or "1h".`, {
      param: `${path}.cache_control.ttl`,
    });
  }
}

function checkCacheControls(request: ChatCompletionRequest): void {
  request.messages.forEach((message, messageIndex) => {
    checkCacheTtl(message, `messages[${messageIndex}]`);
    if (Array.isArray(message.content)) {
      message.content.forEach((part, partIndex) =>
        checkCacheTtl(part, `messages[${messageIndex}].content[${partIndex}]`),
      );
    }
  });
  request.tools?.forEach((tool, toolIndex) => checkCacheTtl(tool, `tools[${toolIndex}]`));
}

/** Providers whose OpenAI-compatible API takes `cache_control` markers (explicit context cache). */
export const EXPLICIT_CACHE_PROVIDERS: ReadonlySet<ProviderId> = new Set(["qwen", "zai"]);

/** Of those, the ones with a 1-hour lifetime whose usage reports writes by TTL (priced by it). */
const CACHE_TTL_PROVIDERS: ReadonlySet<ProviderId> = new Set(["qwen"]);

/** A marker without its `ttl` (a provider with one cache lifetime). */
const withoutTtl = (holder: Json): Json => {
  if (!isObject(holder.cache_control) || holder.cache_control.ttl === undefined) return holder;
  const { ttl: _ttl, ...marker } = holder.cache_control;
  return { ...holder, cache_control: marker };
};

/** The messages and tools with each `cache_control` kept but its `ttl` dropped. */
function dropCacheTtls(request: ChatCompletionRequest): Pick<ChatCompletionRequest, "messages" | "tools"> {
  const messages = request.messages.map((message) => {
    const kept = withoutTtl(message) as typeof message;
    return Array.isArray(message.content)
      ? { ...kept, content: message.content.map(withoutTtl) as typeof message.content }
      : kept;
  });
  return { messages, ...(request.tools ? { tools: request.tools.map(withoutTtl) as typeof request.tools } : {}) };
}

const withoutMarker = (holder: Json): Json => {
  const { cache_control: _marker, ...rest } = holder;
  return rest;
};

/** The messages and tools without any `cache_control`; parts left text-only by it become one string. */
function dropCacheControls(request: ChatCompletionRequest): Pick<ChatCompletionRequest, "messages" | "tools"> {
  const messages = request.messages.map((message) => {
    const kept = withoutMarker(message) as typeof message;
    if (!Array.isArray(message.content) || !message.content.some((part) => isObject(part.cache_control))) return kept;
    const parts = message.content.map(withoutMarker) as typeof message.content;
    const textOnly = parts.every((part) => part.type === "text" && typeof part.text === "string");
    return { ...kept, content: textOnly ? parts.map((part) => part.text as string).join("\n\n") : parts };
  });
  return { messages, ...(request.tools ? { tools: request.tools.map(withoutMarker) as typeof request.tools } : {}) };
}

/** Builds the JSON body by the table above; throws `invalid_request` (400, with `param`) for a refused field. */
export function buildDialectBody(provider: ProviderId, request: ChatCompletionRequest, upstreamModel: string): Json {
  const explicitCache = EXPLICIT_CACHE_PROVIDERS.has(provider);
  if (explicitCache) checkCacheControls(request);
  const markers = !explicitCache
    ? dropCacheControls(request)
    : CACHE_TTL_PROVIDERS.has(provider)
      ? {}
      : dropCacheTtls(request);
  const body: Json = { ...request, ...markers, model: upstreamModel };
  if (request.stream) body.stream_options = { ...(request.stream_options ?? {}), include_usage: true };
  delete body.store;
  delete body.service_tier;
  if (provider === "openai") {
    body.store = false;
    body.service_tier = "default";
  } else {
    for (const field of OPENAI_ONLY) delete body[field];
  }
  return body;
}
