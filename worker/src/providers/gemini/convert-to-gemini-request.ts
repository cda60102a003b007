/**
 * An OpenAI Chat Completions request -> a Gemini GenerateContentRequest. Each field is mapped, dropped (harmless to
 * ignore) or refused (400 `invalid_request` with `param`, because Gemini cannot honour it):
 * https://ai.google.dev/api/generate-content#request-body
 * https://ai.google.dev/api/generate-content#generationconfig
 *
 * | OpenAI field | Gemini | rule |
 * |---|---|---|
 * | `model` | the URL path (`upstreamModel`) | map |
 * | `stream` | `:streamGenerateContent?alt=sse` instead of `:generateContent` | map |
 * | `stream_options` | – | drop (Gemini always reports usage) |
 * | `messages` | `contents`, `systemInstruction` (see convert-to-gemini-contents.ts) | map |
 * | `tools`, `tool_choice` | `tools[].functionDeclarations`, `toolConfig` (see convert-to-gemini-tools.ts) | map |
 * | `max_completion_tokens`, else `max_tokens` | `generationConfig.maxOutputTokens` | map |
 * | `temperature` | `temperature` | map |
 * | `top_p` | `topP` | map |
 * | `stop` (string or up to 5 strings) | `stopSequences` | map; more than 5 refused |
 * | `seed` | `seed` | map |
 * | `presence_penalty`, `frequency_penalty` | `presencePenalty`, `frequencyPenalty` | map |
 * | `response_format: {type: "text"}` | – | drop |
 * | `response_format: {type: "json_object"}` | `responseMimeType: "application/json"` | map |
 * | `response_format: {type: "json_schema"}` | `responseMimeType` + `responseSchema` (converted, see
 * convert-json-schema-to-gemini-schema.ts) | map |
 * | `reasoning_effort` (thinking style "budget", the default) | `thinkingConfig.thinkingBudget`: none 0; minimal 512,
 * low 1024, medium 8192, high and xhigh 24576 tokens, with `includeThoughts: true` | map; other values refused |
 * | `reasoning_effort` (thinking style "level", Gemini 3) | `thinkingConfig.thinkingLevel`: none and minimal -> minimal
 * (Gemini 3 cannot switch thinking off), low, medium, high; xhigh -> high; `includeThoughts: true` except for none |
 * map; other values refused |
 * | `parallel_tool_calls` | – | drop (Gemini has no switch; it may call several functions at once) |
 * | `n` > 1 | – | refuse |
 * | `logprobs: true`, `top_logprobs` | – | refuse (Gemini's logprobs have another shape) |
 * | `logit_bias` (non-empty) | – | refuse |
 * | `audio`, `modalities` other than `["text"]` | – | refuse (text output only) |
 * | `functions`, `function_call` (legacy) | – | refuse (use `tools`) |
 * | `web_search_options` | – | refuse |
 * | `user`, `prediction`, `prompt_cache_key`, `safety_identifier`, `verbosity`, `cache_control` on parts | – | drop
 * (Gemini bills no cache writes; implicit cache reads are in usage) |
 * | `store`, `metadata`, `service_tier`, unknown fields | – | stripped or refused by the surface
 * (surfaces/openai/request-fields.ts) before this table |
 *
 * Without `reasoning_effort` no `thinkingConfig` is sent: the model thinks by its own default and its thoughts are
 * billed but not shown (non-thinking models refuse a `thinkingConfig`).
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.ts";
import { convertToGeminiContents } from "./convert-to-gemini-contents.ts";
import { convertToGeminiTools } from "./convert-to-gemini-tools.ts";
import {
  isJsonObject,
  type GeminiGenerateContentRequest,
  type GeminiGenerationConfig,
  type GeminiThinkingLevel,
  type GeminiThinkingStyle,
} from "./gemini-api-types.ts";

const MAX_STOP_SEQUENCES = 5;

/** Thinking budgets in tokens, after Google's own OpenAI compatibility layer (low 1K, medium 8K, high 24K). */
export const THINKING_BUDGETS: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/** Gemini 3 thinking levels per OpenAI effort. */
export const THINKING_LEVELS: Record<string, GeminiThinkingLevel> = {
  none: "minimal",
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
};

const refuse = (param: string, message: string): GatewayError =>
  new GatewayError("invalid_request", message, { param });

const isPresent = (value: unknown): boolean => value !== undefined && value !== null;

function optionalNumber(value: unknown, param: string): number | undefined {
  if (!isPresent(value)) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw refuse(param, `${param} must be a number.`);
  return value;
}

/** Fields Gemini cannot honour: refused rather than silently ignored. */
function refuseUnsupported(request: ChatCompletionRequest): void {
  if (isPresent(request.n) && request.n !== 1) throw refuse("n", "Only n = 1 is supported for Gemini models.");
  if (request.logprobs === true) throw refuse("logprobs", "logprobs are not supported for Gemini models.");
  if (isPresent(request.top_logprobs))
    throw refuse("top_logprobs", "top_logprobs are not supported for Gemini models.");
  if (isJsonObject(request.logit_bias) && Object.keys(request.logit_bias).length > 0) {
    throw refuse("logit_bias", "logit_bias is not supported for Gemini models.");
  }
  if (isPresent(request.audio)) throw refuse("audio", "Audio output is not supported for Gemini models here.");
  const modalities = request.modalities;
  if (Array.isArray(modalities) && modalities.some((modality) => modality !== "text")) {
    throw refuse("modalities", "Only text output is supported for Gemini models here.");
  }
  if (isPresent(request.functions))
    throw refuse("functions", "The legacy functions field is not supported; use tools.");
  if (isPresent(request.function_call))
    throw refuse("function_call", "The legacy function_call field is not supported; use tool_choice.");
  if (isPresent(request.web_search_options))
    throw refuse("web_search_options", "web_search_options is not supported for Gemini models.");
}

function convertStop(stop: ChatCompletionRequest["stop"]): string[] | undefined {
  if (!isPresent(stop)) return undefined;
  const sequences = typeof stop === "string" ? [stop] : (stop ?? []);
  if (sequences.length > MAX_STOP_SEQUENCES)
    throw refuse("stop", `Gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences.`);
  return sequences.length > 0 ? sequences : undefined;
}

function convertResponseFormat(
  responseFormat: unknown,
): Pick<GeminiGenerationConfig, "responseMimeType" | "responseSchema"> {
  if (!isPresent(responseFormat)) return {};
  const format = isJsonObject(responseFormat) ? responseFormat : {};
  if (format.type === "text") return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  if (format.type === "json_schema") {
    const jsonSchema = isJsonObject(format.json_schema) ? format.json_schema : {};
    const responseSchema = convertJsonSchemaToGeminiSchema(jsonSchema.schema, "response_format.json_schema.schema");
    return { responseMimeType: "application/json", ...(responseSchema ? { responseSchema } : {}) };
  }
  throw refuse("response_format", "response_format.type must be 'text', 'json_object' or 'json_schema'.");
}

function convertReasoningEffort(effort: unknown, style: GeminiThinkingStyle): GeminiGenerationConfig["thinkingConfig"] {
  if (!isPresent(effort)) return undefined;
  if (typeof effort !== "string" || !Object.hasOwn(THINKING_BUDGETS, effort)) {
    throw refuse("reasoning_effort", `reasoning_effort must be one of ${Object.keys(THINKING_BUDGETS).join(", ")}.`);
  }
  const includeThoughts = effort === "none" ? {} : { includeThoughts: true };
  if (style === "level") return { thinkingLevel: THINKING_LEVELS[effort], ...includeThoughts };
  return { thinkingBudget: THINKING_BUDGETS[effort], ...includeThoughts };
}

function convertGenerationConfig(
  request: ChatCompletionRequest,
  thinkingStyle: GeminiThinkingStyle,
): GeminiGenerationConfig {
  const entries: GeminiGenerationConfig = {
    maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    stopSequences: convertStop(request.stop),
    seed: optionalNumber(request.seed, "seed"),
    presencePenalty: optionalNumber(request.presence_penalty, "presence_penalty"),
    frequencyPenalty: optionalNumber(request.frequency_penalty, "frequency_penalty"),
    ...convertResponseFormat(request.response_format),
    thinkingConfig: convertReasoningEffort(request.reasoning_effort, thinkingStyle),
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, value]) => value !== undefined),
  ) as GeminiGenerationConfig;
}

/**
 * Converts the request per the table above; throws a GatewayError (400, with `param`) for what Gemini cannot honour.
 * `thinkingStyle` says whether the model takes a thinking budget or a thinking level.
 */
export function convertToGeminiRequest(
  request: ChatCompletionRequest,
  options: { thinkingStyle: GeminiThinkingStyle } = { thinkingStyle: "budget" },
): GeminiGenerateContentRequest {
  refuseUnsupported(request);
  const generationConfig = convertGenerationConfig(request, options.thinkingStyle);
  return {
    ...convertToGeminiContents(request.messages),
    ...convertToGeminiTools(request.tools, request.tool_choice),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
}
