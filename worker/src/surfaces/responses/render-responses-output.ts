/**
 * The pieces of an OpenAI `Response` object, shared by the JSON render and the stream encoder: ids, output items,
 * status, usage with cost, and the response envelope with the echoed request values.
 * https://platform.openai.com/docs/api-reference/responses/object
 *
 * | internal (Chat Completions) | Response |
 * |---|---|
 * | `finish_reason` `stop`, `tool_calls`, null | `status: "completed"` |
 * | `finish_reason` `length` | `status: "incomplete"`, `incomplete_details.reason: "max_output_tokens"` |
 * | `finish_reason` `content_filter` | `status: "incomplete"`, `incomplete_details.reason: "content_filter"` |
 * | `message.reasoning_content` (+ `reasoning_signature`, Gemini thought signatures) | a `reasoning` item first:
 * `content: [{type: "reasoning_text"}]`, `summary` (the same text, when the request asked for a summary) and
 * `encrypted_content` (reasoning-carrier.ts) |
 * | `message.content` | a `message` item with one `output_text` part, `annotations: []` |
 * | `message.tool_calls[]` | one `function_call` item each (`id: "fc_..."`, the upstream's id as `call_id`);
 * `custom_tool_call {call_id, name, input}` for a custom tool; `namespace` set for a namespaced one |
 * | usage | `input_tokens` (every prompt token: uncached + cache reads + cache writes, each counted once),
 * `input_tokens_details {cached_tokens, cache_write_tokens}`, `output_tokens` (reasoning included),
 * `output_tokens_details.reasoning_tokens`, `total_tokens`, `cost` (USD, the usage row's `cost_micro_usd / 1e6`),
 * `cost_details {input, cache_read, cache_write, output, reasoning}` (USD) |
 */
import { usageCostFields, type RequestCost } from "../../lib/cost.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import type { ResponsesEcho } from "./convert-from-responses-request.ts";
import type { ToolNames } from "./convert-responses-tools.ts";
import { encodeReasoningCarrier } from "./reasoning-carrier.ts";

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Who answers: the provider and model a reasoning item's `encrypted_content` names ("" for a model the catalog does
 * not know by this id).
 */
export interface AnswerOwner {
  provider: string;
  model: string;
}

/** Everything a per-request Responses surface knows of its request. */
export interface ResponsesContext {
  echo: ResponsesEcho;
  owner: AnswerOwner;
  requestId: string;
  /** Unix seconds. */
  createdAt: number;
}

/** `resp_` + the request id's random part: the same id as the `x-request-id`, in OpenAI's prefix. */
export const responseId = (requestId: string): string => `resp_${requestId.replace(/^req_/, "")}`;

/** An output item id: `<prefix>_<request id part>_<output index>` (unique per request and position). */
export const itemId = (prefix: "msg" | "rs" | "fc" | "ctc", requestId: string, index: number): string =>
  `${prefix}_${requestId.replace(/^req_/, "")}_${index}`;

export interface Outcome {
  status: "completed" | "incomplete";
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
}

export function outcomeOf(finishReason: unknown): Outcome {
  if (finishReason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter") {
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  }
  return { status: "completed", incomplete_details: null };
}

export function renderUsage(usage: NormalizedUsage, cost: RequestCost): Json {
  const input = usage.inputUncached + usage.cacheRead + usage.cacheWrite;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheRead, cache_write_tokens: usage.cacheWrite },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: input + usage.output,
    ...usageCostFields(cost),
  };
}

/** The Gemini thought signature an adapter put on a tool call (`extra_content.google.thought_signature`). */
export function thoughtSignatureOf(toolCall: Json): string | undefined {
  const extra = isObject(toolCall.extra_content) ? toolCall.extra_content : {};
  const google = isObject(extra.google) ? extra.google : {};
  return typeof google.thought_signature === "string" && google.thought_signature !== ""
    ? google.thought_signature
    : undefined;
}

export interface ReasoningParts {
  text: string;
  signature?: string;
  toolSignatures?: Record<string, string>;
}

/** A `reasoning` output item carrying what the next turn needs (reasoning-carrier.ts). */
export function reasoningItem(id: string, parts: ReasoningParts, context: ResponsesContext): Json {
  const { owner, echo } = context;
  const summary = echo.summarize && parts.text !== "" ? [{ type: "summary_text", text: parts.text }] : [];
  return {
    id,
    type: "reasoning",
    summary,
    ...(parts.text === "" ? {} : { content: [{ type: "reasoning_text", text: parts.text }] }),
    encrypted_content: encodeReasoningCarrier({
      provider: owner.provider,
      model: owner.model,
      text: parts.text,
      ...(parts.signature ? { signature: parts.signature } : {}),
      ...(parts.toolSignatures && Object.keys(parts.toolSignatures).length > 0
        ? { tool_signatures: parts.toolSignatures }
        : {}),
    }),
    status: "completed",
  };
}

export function messageItem(id: string, text: string, status: "in_progress" | "completed"): Json {
  return {
    id,
    type: "message",
    role: "assistant",
    status,
    content: status === "completed" ? [{ type: "output_text", text, annotations: [], logprobs: [] }] : [],
  };
}

/** The `input` of a custom tool call from the arguments the upstream produced for its one-parameter function. */
export function customInput(argumentsText: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (isObject(parsed) && typeof parsed.input === "string") return parsed.input;
  } catch {
    // Not JSON: the model answered with the raw input itself.
  }
  return argumentsText;
}

/** A `function_call` or `custom_tool_call` item for one upstream tool call. */
export function callItem(
  id: string,
  call: { callId: string; name: string; arguments: string },
  names: ToolNames,
  status: "in_progress" | "completed",
): Json {
  const origin = names.get(call.name);
  if (origin?.kind === "custom") {
    const input = status === "completed" ? customInput(call.arguments) : "";
    return { id, type: "custom_tool_call", status, call_id: call.callId, name: origin.name, input };
  }
  return {
    id,
    type: "function_call",
    status,
    call_id: call.callId,
    name: origin?.name ?? call.name,
    arguments: status === "completed" ? call.arguments : "",
    ...(origin?.namespace ? { namespace: origin.namespace } : {}),
  };
}

/** The Response envelope: id, status, the echoed request values, output, usage. */
export function responseEnvelope(
  context: ResponsesContext,
  fields: {
    status: "in_progress" | "completed" | "incomplete" | "failed";
    output: Json[];
    usage: Json | null;
    incomplete_details?: Outcome["incomplete_details"];
    error?: { code: string; message: string } | null;
    /** The catalog id that answered (the adapter's `model`); the requested id when absent. */
    model?: string;
  },
): Json {
  const { echo } = context;
  return {
    id: responseId(context.requestId),
    object: "response",
    created_at: context.createdAt,
    status: fields.status,
    ...(fields.status === "completed" || fields.status === "incomplete"
      ? { completed_at: Math.floor(Date.now() / 1000) }
      : {}),
    error: fields.error ?? null,
    incomplete_details: fields.incomplete_details ?? null,
    model: fields.model ?? context.owner.model,
    instructions: echo.instructions,
    metadata: echo.metadata,
    output: fields.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    temperature: echo.temperature,
    top_p: echo.top_p,
    max_output_tokens: echo.max_output_tokens,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    text: echo.text,
    reasoning: echo.reasoning,
    previous_response_id: null,
    store: false,
    truncation: "disabled",
    user: echo.user,
    safety_identifier: echo.safety_identifier,
    prompt_cache_key: echo.prompt_cache_key,
    service_tier: "default",
    usage: fields.usage,
  };
}
