/**
 * A Responses request (validated by `responsesRequestSchema`, filtered by `applyResponsesFieldPolicy`) to the internal
 * Chat Completions request, and what the answer must echo. docs/responses.md.
 * Input items: convert-from-responses-input.ts. Tools: convert-responses-tools.ts.
 *
 * | Responses | rule | internal (Chat Completions) |
 * |---|---|---|
 * | `model` | map | `model` (the catalog id; the route resolves it) |
 * | `instructions` | map | a leading `system` message |
 * | `input` | map | `messages` (convert-from-responses-input.ts) |
 * | `stream` | map | `stream`; when true also `stream_options: {include_usage: true}` |
 * | `max_output_tokens` | map | `max_completion_tokens` (reasoning tokens count against it in both) |
 * | `temperature`, `top_p` | map | same |
 * | `text.format` `text` | drop | the default |
 * | `text.format` `json_object` | map | `response_format: {type: "json_object"}` |
 * | `text.format` `json_schema {name, schema, strict?, description?}` (flat) | map | `response_format: {type:
 * "json_schema", json_schema: {name, schema, strict, description}}` (nested) |
 * | `text.verbosity` | map | `verbosity` (OpenAI only; the other adapters drop it) |
 * | `reasoning.effort` none / minimal / low / medium / high | map | `reasoning_effort`, the same |
 * | `reasoning.effort` xhigh / max | map | `reasoning_effort: "high"`: the highest level Chat Completions has |
 * | `reasoning.summary` (or `generate_summary`) | map | the reasoning item also gets a `summary`: the reasoning text
 * itself (omnizen does not summarise) |
 * | `metadata` | echo | validated (at most 16 pairs, keys <= 64, values <= 512 characters), never forwarded |
 * | `user`, `safety_identifier`, `prompt_cache_key` | map | same (they also scope the prompt cache by end user) |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | map | convert-responses-tools.ts |
 */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { convertFromResponsesInput, type ReasoningOwner } from "./convert-from-responses-input.ts";
import { convertResponsesTools, type ToolNames } from "./convert-responses-tools.ts";
import type { ResponsesRequest } from "./parse-responses-request.ts";

/** What the Response object repeats of the request, and what rendering needs of it. */
export interface ResponsesEcho {
  model: string;
  instructions: string | null;
  metadata: Record<string, string>;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  reasoning: { effort: string | null; summary: string | null };
  text: { format: unknown; verbosity?: string };
  user: string | null;
  safety_identifier: string | null;
  prompt_cache_key: string | null;
  /** Function names to the Responses tools they stand for (custom and namespaced tools). */
  toolNames: ToolNames;
  /** Whether reasoning items carry a `summary` (the client asked for one). */
  summarize: boolean;
}

const EFFORTS: Readonly<Record<string, string>> = {
  none: "none",
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

function responseFormat(format: unknown): ChatCompletionRequest["response_format"] | undefined {
  if (typeof format !== "object" || format === null) return undefined;
  const value = format as Record<string, unknown>;
  if (value.type === "json_object") return { type: "json_object" };
  if (value.type !== "json_schema") return undefined;
  return {
    type: "json_schema",
    json_schema: {
      name: value.name,
      schema: value.schema,
      ...(typeof value.strict === "boolean" ? { strict: value.strict } : {}),
      ...(typeof value.description === "string" ? { description: value.description } : {}),
    },
  };
}

/**
 * Converts by the table above. Pure; throws an `invalid_request` GatewayError with `param` for what it refuses.
 * `owner` names who will answer (for restoring reasoning items made by the same model).
 */
export function convertFromResponsesRequest(
  body: ResponsesRequest,
  owner: ReasoningOwner,
): { request: ChatCompletionRequest; echo: ResponsesEcho } {
  const tools = convertResponsesTools(body);
  const messages = convertFromResponsesInput(body.input, owner);
  if (body.instructions) messages.unshift({ role: "system", content: body.instructions });

  const request: ChatCompletionRequest = { model: body.model, messages };
  if (typeof body.stream === "boolean") request.stream = body.stream;
  if (body.stream === true) request.stream_options = { include_usage: true };
  if (body.max_output_tokens) request.max_completion_tokens = body.max_output_tokens;
  if (typeof body.temperature === "number") request.temperature = body.temperature;
  if (typeof body.top_p === "number") request.top_p = body.top_p;
  const format = responseFormat(body.text?.format);
  if (format) request.response_format = format;
  if (body.text?.verbosity) request.verbosity = body.text.verbosity;
  const effort = body.reasoning?.effort;
  if (effort) request.reasoning_effort = EFFORTS[effort];
  if (body.user) request.user = body.user;
  if (body.safety_identifier) request.safety_identifier = body.safety_identifier;
  if (body.prompt_cache_key) request.prompt_cache_key = body.prompt_cache_key;
  if (tools.tools) request.tools = tools.tools;
  if (tools.tool_choice !== undefined) request.tool_choice = tools.tool_choice;
  if (tools.parallel_tool_calls !== undefined) request.parallel_tool_calls = tools.parallel_tool_calls;

  const summary = body.reasoning?.summary ?? body.reasoning?.generate_summary ?? null;
  const echo: ResponsesEcho = {
    model: body.model,
    instructions: body.instructions ?? null,
    metadata: (body.metadata ?? {}) as Record<string, string>,
    tools: body.tools ?? [],
    tool_choice: body.tool_choice ?? "auto",
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    reasoning: { effort: effort ?? null, summary },
    text: {
      format: body.text?.format ?? { type: "text" },
      ...(body.text?.verbosity ? { verbosity: body.text.verbosity } : {}),
    },
    user: body.user ?? null,
    safety_identifier: body.safety_identifier ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    toolNames: tools.names,
    summarize: summary !== null,
  };
  return { request, echo };
}
