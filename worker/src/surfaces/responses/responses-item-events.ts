/**
 * The events of each output item's lifecycle on the Responses stream, in OpenAI's order (the table is in
 * responses-stream-encoder.ts, which decides when items open and close). Pure: each function calls `emit` once per
 * event, in order; the encoder numbers and encodes them. https://platform.openai.com/docs/api-reference/responses-streaming
 */
import type { GatewayError } from "../../errors.ts";

type Json = Record<string, unknown>;

/** Sends one event: its type and the fields besides `type` and `sequence_number`. */
export type Emit = (type: string, fields: Json) => void;

/** Where an item-scoped event points. */
export interface ItemPosition {
  item_id: string;
  output_index: number;
}

const outputText = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });

export function reasoningAdded(emit: Emit, where: ItemPosition, summarize: boolean): void {
  const item = { id: where.item_id, type: "reasoning", summary: [], content: [] };
  emit("response.output_item.added", { output_index: where.output_index, item });
  emit("response.content_part.added", { ...where, content_index: 0, part: { type: "reasoning_text", text: "" } });
  if (summarize) {
    emit("response.reasoning_summary_part.added", {
      ...where,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    });
  }
}

export function reasoningDelta(emit: Emit, where: ItemPosition, delta: string, summarize: boolean): void {
  emit("response.reasoning_text.delta", { ...where, content_index: 0, delta });
  if (summarize) emit("response.reasoning_summary_text.delta", { ...where, summary_index: 0, delta });
}

export function reasoningDone(emit: Emit, where: ItemPosition, text: string, summarize: boolean, item: Json): void {
  emit("response.reasoning_text.done", { ...where, content_index: 0, text });
  emit("response.content_part.done", { ...where, content_index: 0, part: { type: "reasoning_text", text } });
  if (summarize) {
    emit("response.reasoning_summary_text.done", { ...where, summary_index: 0, text });
    emit("response.reasoning_summary_part.done", { ...where, summary_index: 0, part: { type: "summary_text", text } });
  }
  emit("response.output_item.done", { output_index: where.output_index, item });
}

export function messageAdded(emit: Emit, where: ItemPosition, item: Json): void {
  emit("response.output_item.added", { output_index: where.output_index, item });
  emit("response.content_part.added", { ...where, content_index: 0, part: outputText("") });
}

export function textDelta(emit: Emit, where: ItemPosition, delta: string): void {
  emit("response.output_text.delta", { ...where, content_index: 0, delta, logprobs: [] });
}

export function messageDone(emit: Emit, where: ItemPosition, text: string, item: Json): void {
  emit("response.output_text.done", { ...where, content_index: 0, text, logprobs: [] });
  emit("response.content_part.done", { ...where, content_index: 0, part: outputText(text) });
  emit("response.output_item.done", { output_index: where.output_index, item });
}

/** A function call's arguments stream as they come; a custom tool's input is sent whole when the call closes. */
export function callDone(emit: Emit, where: ItemPosition, item: Json): void {
  if (item.type === "custom_tool_call") {
    emit("response.custom_tool_call_input.delta", { ...where, delta: item.input });
    emit("response.custom_tool_call_input.done", { ...where, input: item.input });
  } else {
    emit("response.function_call_arguments.done", { ...where, arguments: item.arguments });
  }
  emit("response.output_item.done", { output_index: where.output_index, item });
}

/** The `response.error.code` Codex acts on: rate limits are retried after a wait, quota is fatal, the rest retried. */
export function failureCode(error: GatewayError): string {
  switch (error.code) {
    case "rate_limited":
    case "upstream_rate_limited":
    case "too_many_concurrent_requests":
      return "rate_limit_exceeded";
    case "insufficient_credit":
      return "insufficient_quota";
    default:
      return "server_error";
  }
}
