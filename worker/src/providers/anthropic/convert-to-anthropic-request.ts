/**
 * An OpenAI Chat Completions request -> an Anthropic Messages request.
 * https://docs.anthropic.com/en/api/messages
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 * Messages: convert-to-anthropic-messages.ts. Tools: prepare-anthropic-tools.ts.
 *
 * | OpenAI field | Anthropic | rule |
 * |---|---|---|
 * | `model` | `model` = the route's upstream model | |
 * | `max_completion_tokens`, else `max_tokens` | `max_tokens` (required there) | default 8192; with thinking, the
 * thinking budget is added on top |
 * | `temperature` 0–1 | `temperature` | **refuse** above 1 (`temperature`): Anthropic's range is 0–1 |
 * | `top_p` | `top_p` | |
 * | `stop` (string or array) | `stop_sequences` | |
 * | `stream` | `stream` | |
 * | `stream_options` | – | drop: Anthropic streams always carry usage |
 * | `user` | `metadata.user_id` | |
 * | `reasoning_effort` none | – | no thinking |
 * | `reasoning_effort` minimal/low/medium/high | `thinking` | budget style: `{type:"enabled", budget_tokens}`
 * 1024/1024/4096/16384; adaptive style: `{type:"adaptive"}` + `output_config.effort` |
 * | `reasoning_effort` other | – | **refuse** (`reasoning_effort`) |
 * | thinking with `temperature` ≠ 1 / `top_p` < 0.95 / `tool_choice` required or a function | – | **refuse**
 * (`temperature` / `top_p` / `tool_choice`): Anthropic rejects these with thinking |
 * | thinking when the last assistant turn has tool calls without signed reasoning, or is a prefill | – | thinking
 * omitted for this request: Anthropic would reject the turn |
 * | `response_format` text | – | drop (the default) |
 * | `response_format` json_schema | `output_config.format` `{type:"json_schema", schema}` | Anthropic's structured
 * outputs (https://platform.claude.com/docs/en/build-with-claude/structured-outputs); `name`/`strict` have no field
 * there (the output always follows the schema) |
 * | `response_format` json_object | – | **refuse** (`response_format`): Anthropic has no schema-less JSON mode; send
 * json_schema |
 * | `n` = 1 | – | drop (n > 1 is refused by the request schema) |
 * | `logprobs` false | – | drop |
 * | `logprobs` true, `top_logprobs` | – | **refuse** (`logprobs` / `top_logprobs`): Anthropic returns no log
 * probabilities |
 * | `logit_bias` non-empty | – | **refuse** (`logit_bias`): token ids of another tokenizer |
 * | `presence_penalty`, `frequency_penalty` | – | drop: sampling hints; the answer stays valid |
 * | `seed` | – | drop: determinism is best-effort even at OpenAI |
 * | `modalities` with audio, `audio` | – | **refuse** (`modalities` / `audio`) |
 * | `functions`, `function_call` (deprecated) | – | **refuse** (`functions` / `function_call`): use `tools` |
 * | `web_search_options` | – | **refuse** (`web_search_options`) |
 * | `cache_control` on a content part or tool, `ttl` `5m` / `1h` | `cache_control` | priced: usage's `cache_creation`
 * splits 5-minute and 1-hour writes, each billed at its rate |
 * | – | `service_tier: "standard_only"` | always: Priority Tier capacity ("auto") is priced higher than the catalog |
 * | `prediction`, `verbosity`, `prompt_cache_key`, `safety_identifier`, `seed`, `parallel_tool_calls` true | – | drop:
 * Anthropic rejects unknown fields |
 * | `store`, `metadata`, `service_tier`, `modalities`, `audio`, `web_search_options`, unknown fields | – | stripped or
 * refused by the surface (surfaces/openai/request-fields.ts) before this table |
 */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { isJsonObject, type AnthropicMessage, type AnthropicMessagesRequest } from "./anthropic-api-types.ts";
import { refuse } from "./convert-to-anthropic-content.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { prepareAnthropicTools } from "./prepare-anthropic-tools.ts";

export const DEFAULT_MAX_TOKENS = 8192;

/** Thinking budgets per OpenAI reasoning effort (1024 is Anthropic's minimum budget). */
export const THINKING_BUDGETS = { minimal: 1024, low: 1024, medium: 4096, high: 16384 } as const;

type ReasoningEffort = keyof typeof THINKING_BUDGETS;

/**
 * `budget`: extended thinking with `budget_tokens`. `adaptive`: `thinking.type: "adaptive"` + effort (newer models).
 */
export type ThinkingStyle = "budget" | "adaptive";

const present = (value: unknown): boolean => value !== undefined && value !== null;

function readReasoningEffort(value: unknown): ReasoningEffort | null {
  if (!present(value) || value === "none") return null;
  if (typeof value === "string" && Object.hasOwn(THINKING_BUDGETS, value)) return value as ReasoningEffort;
  throw refuse("reasoning_effort", "reasoning_effort must be one of none, minimal, low, medium, high for this model.");
}

/** The schema of a `response_format` of type json_schema (`{json_schema: {name, schema, strict}}`). */
function jsonSchemaOf(format: Record<string, unknown>): unknown {
  return format.type === "json_schema" && isJsonObject(format.json_schema) ? format.json_schema.schema : undefined;
}

function refuseUnsupported(request: Record<string, unknown>): void {
  const format = request.response_format;
  if (isJsonObject(format) && format.type === "json_schema" && !isJsonObject(jsonSchemaOf(format))) {
    throw refuse("response_format", "response_format json_schema needs json_schema.schema, a JSON Schema object.");
  }
  if (isJsonObject(format) && format.type !== "text" && format.type !== "json_schema") {
    throw refuse(
      "response_format",
      "response_format json_object is not supported for this model (no schema-less JSON mode); send json_schema.",
    );
  }
  if (request.logprobs === true) throw refuse("logprobs", "logprobs are not available for this model.");
  if (present(request.top_logprobs)) throw refuse("top_logprobs", "top_logprobs are not available for this model.");
  if (isJsonObject(request.logit_bias) && Object.keys(request.logit_bias).length > 0) {
    throw refuse("logit_bias", "logit_bias is not supported for this model.");
  }
  if (Array.isArray(request.modalities) && request.modalities.includes("audio"))
    throw refuse("modalities", "audio output is not supported for this model.");
  if (present(request.audio)) throw refuse("audio", "audio output is not supported for this model.");
  if (present(request.functions))
    throw refuse("functions", "functions is deprecated and not supported for this model; use tools.");
  if (present(request.function_call))
    throw refuse("function_call", "function_call is deprecated and not supported for this model; use tool_choice.");
  if (present(request.web_search_options))
    throw refuse("web_search_options", "web_search_options is not supported for this model.");
}

function refuseWithThinking(request: ChatCompletionRequest, toolChoiceType: string | undefined): void {
  if (present(request.temperature) && request.temperature !== 1) {
    throw refuse("temperature", "temperature cannot be changed together with reasoning_effort for this model.");
  }
  if (present(request.top_p) && (request.top_p ?? 1) < 0.95) {
    throw refuse("top_p", "top_p must be at least 0.95 together with reasoning_effort for this model.");
  }
  if (toolChoiceType === "any" || toolChoiceType === "tool") {
    throw refuse("tool_choice", "tool_choice cannot force a tool together with reasoning_effort for this model.");
  }
}

/** Anthropic requires the last assistant turn to start with a signed thinking block when it has tool calls. */
function canThink(messages: AnthropicMessage[]): boolean {
  const last = messages.at(-1);
  if (last?.role === "assistant") return false;
  const lastAssistant = messages.findLast((message) => message.role === "assistant");
  if (!lastAssistant?.content.some((block) => block.type === "tool_use")) return true;
  return lastAssistant.content[0]?.type === "thinking";
}

/**
 * Converts the request, applying every rule in the table above. Throws GatewayError `invalid_request` with the
 * OpenAI parameter name in `param` for what Anthropic cannot honour; never echoes request content.
 */
export function convertToAnthropicRequest(
  request: ChatCompletionRequest,
  options: { upstreamModel: string; thinkingStyle: ThinkingStyle },
): AnthropicMessagesRequest {
  refuseUnsupported(request);
  if (present(request.temperature) && (request.temperature ?? 0) > 1) {
    throw refuse("temperature", "temperature must be between 0 and 1 for this model.");
  }
  const effort = readReasoningEffort(request.reasoning_effort);
  const toolSettings = prepareAnthropicTools(request);
  if (effort) refuseWithThinking(request, toolSettings.tool_choice?.type);
  const { system, messages } = convertToAnthropicMessages(request.messages, { includeThinking: effort !== null });
  const thinking = effort !== null && canThink(messages) ? effort : null;

  const limit = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const body: AnthropicMessagesRequest = {
    model: options.upstreamModel,
    max_tokens: thinking ? limit + THINKING_BUDGETS[thinking] : limit,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (present(request.temperature)) body.temperature = request.temperature ?? undefined;
  if (present(request.top_p)) body.top_p = request.top_p ?? undefined;
  if (typeof request.stop === "string") body.stop_sequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.stream !== undefined) body.stream = request.stream;
  Object.assign(body, toolSettings);
  if (thinking && options.thinkingStyle === "budget")
    body.thinking = { type: "enabled", budget_tokens: THINKING_BUDGETS[thinking] };
  if (thinking && options.thinkingStyle === "adaptive") {
    body.thinking = { type: "adaptive" };
    body.output_config = { effort: thinking === "minimal" ? "low" : thinking };
  }
  const schema = isJsonObject(request.response_format) ? jsonSchemaOf(request.response_format) : undefined;
  if (isJsonObject(schema)) body.output_config = { ...body.output_config, format: { type: "json_schema", schema } };
  if (typeof request.user === "string" && request.user.length > 0) body.metadata = { user_id: request.user };
  body.service_tier = "standard_only";
  return body;
}
