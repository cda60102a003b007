/**
 * OpenAI's Responses API (`POST /v1/responses`), for the openai provider. The stream follows the documented event
 * order (reference: /work/shared/reference/agents-and-responses.md §3, openai 7.57 `ResponseStreamEvent`), each
 * event with an `event:` line and a `sequence_number` counting from 0:
 *
 * - start: `response.created`, `response.in_progress` (snapshot, `status: "in_progress"`, `output: []`);
 * - reasoning: `output_item.added`; with `reasoning.summary`: `reasoning_summary_part.added`, one
 *   `reasoning_summary_text.delta` per piece, `.done`, `reasoning_summary_part.done`; then `output_item.done`
 *   (with `encrypted_content` when `include` asks for it);
 * - text: `output_item.added` message, `content_part.added`, one `output_text.delta` per piece (`logprobs: []`),
 *   `output_text.done`, `content_part.done`, `output_item.done`;
 * - tool call: `output_item.added` function_call, one `function_call_arguments.delta` per piece, `.done`,
 *   `output_item.done`;
 * - end: `response.completed` (every item, `usage`); `error_after`: `response.failed` (`response.error.code`
 *   `rate_limit_exceeded` for 429, else `server_error`).
 *
 * Without `reasoning.summary` the reasoning stays hidden (counted in `reasoning_tokens` only), as OpenAI does.
 */
import type { CompletionPlan } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonObject, StreamEvent } from "./dialect.ts";
import { sseEvent } from "./http-utils.ts";
import { openAiDialect } from "./openai-dialect.ts";
import { openAiErrorBody } from "./openai-shapes.ts";
import { responsesPromptText } from "./prompt-text.ts";
import {
  functionCallItem,
  messageItem,
  reasoningItem,
  responseIds,
  responseObject,
  wantsSummary,
} from "./responses-shapes.ts";

const createdAt = (): number => Math.floor(Date.now() / 1000);

/** Collects events, numbering them in order. */
function eventList() {
  const events: StreamEvent[] = [];
  const add = (kind: StreamEvent["kind"], type: string, payload: JsonObject): void => {
    events.push({ kind, text: sseEvent(type, { type, sequence_number: events.length, ...payload }) });
  };
  return { events, add };
}

function streamEvents(plan: CompletionPlan, request: DialectRequest): StreamEvent[] {
  const { events, add } = eventList();
  const created = createdAt();
  add("structure", "response.created", { response: responseObject(plan, request, created, "in_progress") });
  add("structure", "response.in_progress", { response: responseObject(plan, request, created, "in_progress") });
  const ids = responseIds(request);
  let outputIndex = 0;
  if (plan.reasoning !== null) {
    const at = { item_id: ids.reasoning, output_index: outputIndex };
    add("structure", "response.output_item.added", {
      output_index: outputIndex,
      item: reasoningItem(plan, request, "in_progress"),
    });
    if (wantsSummary(request)) {
      const part = { type: "summary_text", text: "" };
      add("structure", "response.reasoning_summary_part.added", { ...at, summary_index: 0, part });
      for (const delta of plan.reasoningChunks) {
        add("content", "response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta });
      }
      add("structure", "response.reasoning_summary_text.done", { ...at, summary_index: 0, text: plan.reasoning });
      const donePart = { ...part, text: plan.reasoning };
      add("structure", "response.reasoning_summary_part.done", { ...at, summary_index: 0, part: donePart });
    }
    add("structure", "response.output_item.done", {
      output_index: outputIndex,
      item: reasoningItem(plan, request, "completed"),
    });
    outputIndex += 1;
  }
  if (plan.text !== null) {
    const at = { item_id: ids.message, output_index: outputIndex, content_index: 0 };
    const part = { type: "output_text", text: "", annotations: [] };
    add("structure", "response.output_item.added", {
      output_index: outputIndex,
      item: messageItem(plan, request, "in_progress"),
    });
    add("structure", "response.content_part.added", { ...at, part });
    for (const delta of plan.textChunks) add("content", "response.output_text.delta", { ...at, delta, logprobs: [] });
    add("structure", "response.output_text.done", { ...at, text: plan.text, logprobs: [] });
    add("structure", "response.content_part.done", { ...at, part: { ...part, text: plan.text } });
    add("structure", "response.output_item.done", {
      output_index: outputIndex,
      item: messageItem(plan, request, "completed"),
    });
    outputIndex += 1;
  }
  if (plan.toolCall) {
    const at = { item_id: ids.functionCall, output_index: outputIndex };
    add("structure", "response.output_item.added", {
      output_index: outputIndex,
      item: functionCallItem(plan, request, "in_progress"),
    });
    for (const delta of plan.toolCall.argumentChunks) {
      add("content", "response.function_call_arguments.delta", { ...at, delta });
    }
    add("structure", "response.function_call_arguments.done", { ...at, arguments: plan.toolCall.argumentsJson });
    add("structure", "response.output_item.done", {
      output_index: outputIndex,
      item: functionCallItem(plan, request, "completed"),
    });
  }
  add("trailer", "response.completed", { response: responseObject(plan, request, created, "completed") });
  return events;
}

/** `response.failed` with the snapshot's `error`, numbered after every event the stream could have sent. */
function streamErrorEvent(status: number, message: string, request: DialectRequest, plan: CompletionPlan): string {
  const code = status === 429 ? "rate_limit_exceeded" : "server_error";
  const response = responseObject(plan, request, createdAt(), "failed", { code, message });
  const sequenceNumber = streamEvents(plan, request).length;
  return sseEvent("response.failed", { type: "response.failed", sequence_number: sequenceNumber, response });
}

function validate(request: DialectRequest): string | null {
  const { body } = request;
  if (typeof body.model !== "string" || body.model.length === 0) return "Missing required parameter: 'model'.";
  const input = body.input;
  if (typeof input !== "string" && !(Array.isArray(input) && input.length > 0)) {
    return "Invalid 'input': expected a string or a non-empty array of input items.";
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean")
    return "Invalid type for 'stream': expected a boolean.";
  // Nothing is stored, so a response can never be continued by id (as OpenAI answers for an unknown id).
  if (typeof body.previous_response_id === "string")
    return `Previous response with id '${body.previous_response_id}' not found.`;
  return null;
}

/** The Responses dialect (openai only). */
export const responsesDialect: Dialect = {
  errorReply: (status, message) => ({ status, body: openAiErrorBody(status, message) }),
  checkAuth: (headers, url) => openAiDialect.checkAuth(headers, url),
  validate,
  model: (request) => String(request.body.model),
  isStream: (request) => request.body.stream === true,
  promptText: responsesPromptText,
  responseHeaders: (request) => ({ "x-request-id": `req_sim${request.requestNumber}` }),
  completionBody: (plan, request) => responseObject(plan, request, createdAt(), "completed"),
  streamEvents,
  streamErrorEvent,
  defaultStreamErrorStatus: 500,
};
