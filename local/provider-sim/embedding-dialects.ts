/**
 * Embeddings in each provider's wire format, answered with deterministic vectors: each input's vector is seeded from
 * a hash of the model and the input (never from anything else), unit length, every value exactly a float32 (so the
 * float and base64 encodings carry the same numbers). Prompt tokens = `countTokens` of each input (a token array
 * counts its length); the directives work as for completions (`error`, `stall_ms`, `extra_prompt`, ...).
 * - OpenAI style (openai, qwen, zai): `POST .../embeddings` `{model, input, dimensions?, encoding_format?}` ->
 *   `{object: "list", data: [{object, index, embedding}], model, usage: {prompt_tokens, total_tokens}}`
 *   (Z.ai adds `completion_tokens: 0`, Qwen an `id`); `encoding_format: "base64"` as OpenAI sends it.
 * - Gemini: `POST /v1beta/models/{model}:batchEmbedContents` `{requests: [{model, content: {parts: [{text}]},
 *   outputDimensionality?}]}` -> `{embeddings: [{values}], usageMetadata: {promptTokenCount, ...}}`, and
 *   `:embedContent` for one `{content}` -> `{embedding: {values}, usageMetadata}`.
 */
import type { CompletionPlan } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonObject } from "./dialect.ts";
import { geminiDialect } from "./gemini-dialect.ts";
import { openAiDialect } from "./openai-dialect.ts";
import { stableHash } from "./tokens.ts";

/** Vector lengths when the request asks for none (the providers' defaults); other models get 256. */
const DEFAULT_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "gemini-embedding-001": 3072,
  "text-embedding-v4": 1024,
  "embedding-3": 2048,
};
const MAX_DIMENSIONS = 4096;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The deterministic unit vector of one input: a mulberry32 stream seeded from the model and the input. */
export function simulatedVector(model: string, input: string, dimensions: number): number[] {
  let state = stableHash(`${model}\u0000${input}`);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

/** A vector as OpenAI's base64: little-endian float32 bytes. */
export function base64Float32(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString("base64");
}

const dimensionsOf = (model: string, asked: unknown): number =>
  typeof asked === "number" ? asked : (DEFAULT_DIMENSIONS[model] ?? 256);

const badDimensions = (asked: unknown): boolean =>
  asked !== undefined &&
  asked !== null &&
  !(Number.isInteger(asked) && (asked as number) >= 1 && (asked as number) <= MAX_DIMENSIONS);

/** OpenAI's inputs as texts; a token array becomes its ids joined by spaces (one simulated token each). */
function openAiInputs(input: unknown): string[] | null {
  const items = typeof input === "string" || (Array.isArray(input) && typeof input[0] === "number") ? [input] : input;
  if (!Array.isArray(items) || items.length === 0) return null;
  const texts = items.map((item: unknown) =>
    typeof item === "string" && item !== ""
      ? item
      : Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token))
        ? item.join(" ")
        : null,
  );
  return texts.every((text) => text !== null) ? texts : null;
}

function openAiEmbeddingBody(plan: CompletionPlan, request: DialectRequest): unknown {
  const { body, provider } = request;
  const texts = openAiInputs(body.input) ?? [];
  const dimensions = dimensionsOf(plan.model, body.dimensions);
  const base64 = body.encoding_format === "base64";
  const tokens = plan.usage.promptTokens;
  return {
    ...(provider === "qwen" ? { id: `sim-embedding-${request.requestNumber}` } : {}),
    object: "list",
    data: texts.map((text, index) => {
      const vector = simulatedVector(plan.model, text, dimensions);
      return { object: "embedding", index, embedding: base64 ? base64Float32(vector) : vector };
    }),
    model: plan.model,
    usage: { prompt_tokens: tokens, ...(provider === "zai" ? { completion_tokens: 0 } : {}), total_tokens: tokens },
  };
}

/** The OpenAI `/embeddings` dialect (openai, qwen, zai): errors, auth and headers as their chat dialect. */
export const openAiEmbeddingDialect: Dialect = {
  ...openAiDialect,
  validate({ body }) {
    if (typeof body.model !== "string" || body.model.length === 0) return "you must provide a model parameter";
    if (openAiInputs(body.input) === null) return "'$.input' is invalid. Please check the API reference.";
    if (badDimensions(body.dimensions)) return "'dimensions' must be a positive integer";
    if (![undefined, null, "float", "base64"].includes(body.encoding_format as string)) {
      return "'encoding_format' must be 'float' or 'base64'";
    }
    return null;
  },
  isStream: () => false,
  promptText: (body) => ({ messageTexts: openAiInputs(body.input) ?? [], toolTexts: [] }),
  completionBody: openAiEmbeddingBody,
  streamEvents: () => [],
};

const GEMINI_PATH = /\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;

/** Gemini's embed requests: `requests` of batchEmbedContents, or the one body of embedContent. */
const geminiRequests = (request: DialectRequest): unknown[] =>
  request.url.pathname.endsWith(":batchEmbedContents")
    ? Array.isArray(request.body.requests)
      ? request.body.requests
      : []
    : [request.body];

const geminiText = (item: unknown): string | null => {
  const parts = isObject(item) && isObject(item.content) && Array.isArray(item.content.parts) ? item.content.parts : [];
  const texts = parts.map((part: unknown) => (isObject(part) && typeof part.text === "string" ? part.text : null));
  return texts.length > 0 && texts.every((text) => text !== null) ? texts.join("") : null;
};

function geminiEmbeddingBody(plan: CompletionPlan, request: DialectRequest): unknown {
  const values = geminiRequests(request).map((item) => ({
    values: simulatedVector(
      plan.model,
      geminiText(item) ?? "",
      dimensionsOf(plan.model, isObject(item) ? item.outputDimensionality : undefined),
    ),
  }));
  const usageMetadata = {
    promptTokenCount: plan.usage.promptTokens,
    promptTokenDetails: [{ modality: "TEXT", tokenCount: plan.usage.promptTokens }],
  };
  return request.url.pathname.endsWith(":batchEmbedContents")
    ? { embeddings: values, usageMetadata }
    : { embedding: values[0], usageMetadata };
}

/** Gemini's `embedContent` / `batchEmbedContents`: errors and auth as its generateContent dialect. */
export const geminiEmbeddingDialect: Dialect = {
  ...geminiDialect,
  validate(request) {
    const model = decodeURIComponent(GEMINI_PATH.exec(request.url.pathname)?.[1] ?? "");
    const items = geminiRequests(request);
    if (items.length === 0) return "* BatchEmbedContentsRequest.requests: requests is not specified";
    for (const [index, item] of items.entries()) {
      if (geminiText(item) === null) return `* requests[${index}].content: content is not specified`;
      const named = isObject(item) ? item.model : undefined;
      if (request.url.pathname.endsWith(":batchEmbedContents") && named !== `models/${model}`) {
        return `* requests[${index}].model: must be models/${model}, as in the URL`;
      }
      if (isObject(item) && badDimensions(item.outputDimensionality)) {
        return `* requests[${index}].outputDimensionality: must be a positive integer`;
      }
    }
    return null;
  },
  model: (request) => decodeURIComponent(GEMINI_PATH.exec(request.url.pathname)?.[1] ?? ""),
  isStream: () => false,
  promptText: (body) => ({
    messageTexts: (Array.isArray(body.requests) ? body.requests : [body]).map((item) => geminiText(item) ?? ""),
    toolTexts: [],
  }),
  completionBody: geminiEmbeddingBody,
  streamEvents: () => [],
};
