/**
 * The canonical form of a chat request for the prompt cache: one string per distinct answer-determining request, so
 * that requests which must get the same answer map to the same string and any change that can change the answer
 * changes it. https://platform.openai.com/docs/api-reference/chat/create
 *
 * | rule | canonical form |
 * |---|---|
 * | fields in `OUTPUT_NEUTRAL_FIELDS` | left out |
 * | any other top-level field (known or unknown: unknown ones reach OpenAI-dialect upstreams) | kept |
 * | a top-level field set to `null` | same as absent (OpenAI's "use the default") |
 * | `temperature`, `top_p`, `n` absent | `PARAMETER_DEFAULTS` (1, 1, 1) |
 * | `max_tokens`, `max_completion_tokens` | one `max_completion_tokens` (whichever is set; both kept only when both are
 * set and differ) |
 * | `stop` string | `[string]`; arrays sorted and deduplicated (the first match of any stops the answer); `[]` same as
 * absent |
 * | `tools: []` | same as absent |
 * | `tool_choice` absent with tools | `"auto"`; `"none"` without tools is the default and left out |
 * | message `content` string | `[{type: "text", text}]`; `content: null` same as absent |
 * | object keys, at every depth | sorted (UTF-16 code unit order); array order kept |
 *
 * The result is `{"request":{...},"surface":"openai"|"anthropic","version":1}` as JSON; `version` changes whenever
 * these rules change, so old entries simply stop matching.
 *
 * Caveat on the defaults: they are OpenAI's. A few upstreams (Qwen, GLM, Kimi) use another default temperature when
 * it is absent, so an absent `temperature` and `temperature: 1` can be sampled a little differently there; both remain
 * answers to the request as the client wrote it, which is why the rule applies to every model.
 */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { Surface } from "../../surfaces/types.ts";

/** The version of the canonicalisation rules above; part of every canonical string. */
export const CANONICAL_FORM_VERSION = 1;

/** Request fields that never change the answer's content, so they are left out of the canonical form. */
export const OUTPUT_NEUTRAL_FIELDS = [
  // Transport: a cache entry replays as JSON or as a stream (cache-entry.ts), so one entry serves both.
  "stream",
  // Transport: only whether the usage chunk is sent, which the surface encoder decides at replay time.
  "stream_options",
  // End-user id for the provider's abuse monitoring.
  "user",
  // Tags stored with the completion at OpenAI.
  "metadata",
  // Whether OpenAI keeps the completion for distillation and evals.
  "store",
  // Latency and price tier; the same model answers.
  "service_tier",
  // The provider's own prefix-cache routing hint.
  "prompt_cache_key",
  // End-user id for abuse monitoring (the successor of `user`).
  "safety_identifier",
] as const;

/** OpenAI's defaults for parameters whose absence is the same request as their default value. */
export const PARAMETER_DEFAULTS = { temperature: 1, top_p: 1, n: 1 } as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const outputNeutral: ReadonlySet<string> = new Set(OUTPUT_NEUTRAL_FIELDS);

/**
 * The canonical JSON string of everything in `request` that can change the answer, plus the `surface` the client
 * speaks. Guarantees: requests equal under the rules in the table above give the same string; a change to the model,
 * any message character, or any kept parameter gives a different one. Pure; never mutates `request`.
 */
export function canonicalRequest(request: ChatCompletionRequest, surface: Surface["name"]): string {
  return canonicalJson({ version: CANONICAL_FORM_VERSION, surface, request: normalizeRequest(request) });
}

/**
 * Whether an answer to `request` may be stored and served from the cache. The cache is on by default and serves an
 * identical request (same canonical form, same API key, within the hour) with the identical answer, whatever the
 * temperature: repeating a request is treated as asking for the same answer, as a client-side memo would. The one
 * exception is `n > 1`, which asks for several different samples in one answer (the request schema refuses it today;
 * this keeps the cache correct if that changes).
 */
export function isCacheable(request: ChatCompletionRequest): boolean {
  return (request.n ?? PARAMETER_DEFAULTS.n) <= 1;
}

function normalizeRequest(request: ChatCompletionRequest): Json {
  const normalized: Json = {};
  for (const [field, value] of Object.entries(request)) {
    if (value === null || value === undefined || outputNeutral.has(field)) continue;
    normalized[field] = value;
  }
  for (const [field, value] of Object.entries(PARAMETER_DEFAULTS)) normalized[field] ??= value;

  const maxCompletionTokens = request.max_completion_tokens ?? null;
  const maxTokens = request.max_tokens ?? null;
  delete normalized.max_tokens;
  delete normalized.max_completion_tokens;
  if (maxCompletionTokens !== null && maxTokens !== null && maxCompletionTokens !== maxTokens) {
    // Upstreams disagree on which wins, so this pair is its own request.
    normalized.max_completion_tokens = maxCompletionTokens;
    normalized.max_tokens = maxTokens;
  } else if (maxCompletionTokens !== null || maxTokens !== null) {
    normalized.max_completion_tokens = maxCompletionTokens ?? maxTokens;
  }

  const stop = normalizeStop(request.stop);
  if (stop) normalized.stop = stop;
  else delete normalized.stop;

  if (Array.isArray(request.tools) && request.tools.length === 0) delete normalized.tools;
  if (normalized.tools !== undefined) normalized.tool_choice ??= "auto";
  else if (normalized.tool_choice === "none") delete normalized.tool_choice;

  normalized.messages = request.messages.map(normalizeMessage);
  return normalized;
}

function normalizeStop(stop: ChatCompletionRequest["stop"]): string[] | null {
  if (typeof stop === "string") return [stop];
  if (!Array.isArray(stop) || stop.length === 0) return null;
  return [...new Set(stop)].sort();
}

function normalizeMessage(message: ChatCompletionRequest["messages"][number]): Json {
  const { content, ...rest } = message;
  if (typeof content === "string") return { ...rest, content: [{ type: "text", text: content }] };
  if (content === null || content === undefined) return rest;
  return { ...rest, content };
}

/**
 * JSON with object keys sorted at every depth. Like `JSON.stringify`, it leaves out object fields whose value is
 * `undefined` and writes `undefined` array items as `null`.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  if (isObject(value)) {
    const fields = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}
