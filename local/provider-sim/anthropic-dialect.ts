/**
 * The Anthropic Messages dialect: `POST /v1/messages` (JSON or SSE) and `POST /v1/messages/count_tokens`.
 * SSE order: message_start → ping → per block content_block_start / content_block_delta+ / content_block_stop
 * (thinking, then text or tool_use) → message_delta (stop_reason, cumulative usage) → message_stop.
 */
import type { CompletionPlan, PlannedUsage } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonObject, StreamEvent } from "./dialect.ts";
import { sseEvent } from "./http-utils.ts";
import { anthropicPromptText } from "./prompt-text.ts";
import { stableHash } from "./tokens.ts";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  413: "request_too_large",
  429: "rate_limit_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const errorType = (status: number): string =>
  ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");

/** The Anthropic error body `{"type":"error","error":{"type","message"}}` for a status. */
export function anthropicErrorBody(status: number, message: string): JsonObject {
  return { type: "error", error: { type: errorType(status), message } };
}

/** Prompt usage: `input_tokens` excludes cache reads and writes. */
function promptUsage(usage: PlannedUsage): JsonObject {
  return {
    input_tokens: usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedTokens,
    // Anthropic sends the TTL split wherever it sends the prompt usage (message_start too).
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens - usage.cacheWrite1hTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
    },
  };
}

function fullUsage(usage: PlannedUsage): JsonObject {
  return {
    ...promptUsage(usage),
    output_tokens: usage.completionTokens,
    output_tokens_details: { thinking_tokens: usage.reasoningTokens },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: "global",
  };
}

const messageId = (request: DialectRequest): string => `msg_sim${request.requestNumber}`;
const toolUseId = (plan: CompletionPlan): string => `toolu_${plan.toolCall?.idSuffix ?? ""}`;
const signature = (plan: CompletionPlan): string =>
  Buffer.from(`sim-signature-${stableHash(plan.reasoning ?? "")}`).toString("base64");
const stopReason = (plan: CompletionPlan): string => (plan.toolCall ? "tool_use" : "end_turn");

function messageBase(plan: CompletionPlan, request: DialectRequest): JsonObject {
  return { id: messageId(request), type: "message", role: "assistant", model: plan.model };
}

function completionBody(plan: CompletionPlan, request: DialectRequest): unknown {
  if (request.operation === "count_tokens") return { input_tokens: plan.usage.promptTokens };
  const content: JsonObject[] = [];
  if (plan.reasoning !== null) content.push({ type: "thinking", thinking: plan.reasoning, signature: signature(plan) });
  if (plan.text !== null) content.push({ type: "text", text: plan.text });
  if (plan.toolCall) {
    content.push({
      type: "tool_use",
      id: toolUseId(plan),
      name: plan.toolCall.name,
      input: JSON.parse(plan.toolCall.argumentsJson),
    });
  }
  return {
    ...messageBase(plan, request),
    content,
    stop_reason: stopReason(plan),
    stop_sequence: null,
    usage: fullUsage(plan.usage),
  };
}

function streamEvents(plan: CompletionPlan, request: DialectRequest): StreamEvent[] {
  const events: StreamEvent[] = [];
  const structure = (name: string, payload: JsonObject): void => {
    events.push({ kind: "structure", text: sseEvent(name, { type: name, ...payload }) });
  };
  const delta = (index: number, payload: JsonObject): void => {
    events.push({
      kind: "content",
      text: sseEvent("content_block_delta", { type: "content_block_delta", index, delta: payload }),
    });
  };
  const startUsage = { ...promptUsage(plan.usage), output_tokens: 1, service_tier: "standard" };
  structure("message_start", {
    message: { ...messageBase(plan, request), content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
  });
  structure("ping", {});
  let index = 0;
  if (plan.reasoning !== null) {
    structure("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (const piece of plan.reasoningChunks) delta(index, { type: "thinking_delta", thinking: piece });
    structure("content_block_delta", { index, delta: { type: "signature_delta", signature: signature(plan) } });
    structure("content_block_stop", { index });
    index += 1;
  }
  if (plan.text !== null) {
    structure("content_block_start", { index, content_block: { type: "text", text: "" } });
    for (const piece of plan.textChunks) delta(index, { type: "text_delta", text: piece });
    structure("content_block_stop", { index });
  }
  if (plan.toolCall) {
    const block = { type: "tool_use", id: toolUseId(plan), name: plan.toolCall.name, input: {} };
    structure("content_block_start", { index, content_block: block });
    for (const piece of plan.toolCall.argumentChunks) delta(index, { type: "input_json_delta", partial_json: piece });
    structure("content_block_stop", { index });
  }
  const finalUsage = {
    ...promptUsage(plan.usage),
    output_tokens: plan.usage.completionTokens,
    output_tokens_details: { thinking_tokens: plan.usage.reasoningTokens },
    server_tool_use: null,
  };
  const messageDelta = {
    type: "message_delta",
    delta: { stop_reason: stopReason(plan), stop_sequence: null },
    usage: finalUsage,
  };
  events.push({ kind: "trailer", text: sseEvent("message_delta", messageDelta) });
  events.push({ kind: "trailer", text: sseEvent("message_stop", { type: "message_stop" }) });
  return events;
}

function validate(request: DialectRequest): string | null {
  const { body } = request;
  if (typeof body.model !== "string" || body.model.length === 0) return "model: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  if (request.operation === "count_tokens") return null;
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1)
    return "max_tokens: Field required";
  if (body.stream !== undefined && typeof body.stream !== "boolean") return "stream: Input should be a valid boolean";
  return null;
}

/** The Anthropic Messages dialect. */
export const anthropicDialect: Dialect = {
  errorReply: (status, message) => ({ status, body: anthropicErrorBody(status, message) }),
  checkAuth(headers) {
    // @anthropic-ai/sdk 1.x sends the API key as `Authorization: Bearer <key>`; older clients send `x-api-key`.
    const key = headers["x-api-key"];
    const bearer = /^Bearer\s+\S+/i.test(headers.authorization ?? "");
    if ((typeof key !== "string" || key.length === 0) && !bearer) {
      return { status: 401, body: anthropicErrorBody(401, "x-api-key header is required") };
    }
    const version = headers["anthropic-version"];
    if (typeof version !== "string" || version.length === 0) {
      return { status: 400, body: anthropicErrorBody(400, "anthropic-version: header is required") };
    }
    return null;
  },
  validate,
  model: (request) => String(request.body.model),
  isStream: (request) => request.operation === "completion" && request.body.stream === true,
  promptText: anthropicPromptText,
  responseHeaders: (request) => ({ "request-id": `req_sim${request.requestNumber}` }),
  completionBody,
  streamEvents,
  streamErrorEvent: (status, message) => sseEvent("error", anthropicErrorBody(status, message)),
  defaultStreamErrorStatus: 529,
};
