/**
 * The internal stream (OpenAI ChatCompletionChunks) encoded as OpenAI Responses SSE: `event: <type>` then `data:
 * <json>`, `sequence_number` from 0, the same `response.id` throughout.
 * https://platform.openai.com/docs/api-reference/responses-streaming
 *
 * | moment | events |
 * |---|---|
 * | first chunk (or the end / a failure, if none came) | `response.created`, `response.in_progress` (`status:
 * "in_progress"`, `output: []`) |
 * | `delta.reasoning_content` | a `reasoning` item: `output_item.added`, `content_part.added` (`reasoning_text`), then
 * `reasoning_text.delta`s (and, when the request asked for a summary, `reasoning_summary_part.added` and
 * `reasoning_summary_text.delta`s); closed by `reasoning_text.done`, `content_part.done` (summary `.done`s),
 * `output_item.done` with `encrypted_content` |
 * | `delta.content` (or `delta.refusal`) | a `message` item: `output_item.added`, `content_part.added`
 * (`output_text`), `output_text.delta`s (`logprobs: []`); closed by `output_text.done`, `content_part.done`,
 * `output_item.done` |
 * | `delta.tool_calls[]` (per OpenAI `index`, or a new `id` at the same index) | a `function_call` item each:
 * `output_item.added`, `function_call_arguments.delta`s; closed by `function_call_arguments.done`, `output_item.done`.
 * A custom tool's call: `custom_tool_call` with one `custom_tool_call_input.delta` and `.done` when it closes (its
 * input is read from the function's JSON arguments) |
 * | Anthropic signature without reasoning text, Gemini thought signatures on tool calls | a trailing `reasoning` item
 * (added + done) whose `encrypted_content` carries them (reasoning-carrier.ts) |
 * | the end | `response.completed` (or `response.incomplete` on `finish_reason` length / content_filter) with the
 * full `output` and `usage` incl. cost |
 * | a failure after the first byte | `error` (`code`, `message`, `param`) then `response.failed` with
 * `response.error` (the SDK throws on the first; Codex reads the second) |
 *
 * An item closes when an item of another kind starts; the calls of one answer stay open together until then (so
 * interleaved parallel calls keep their fragments) and close in output order. Output indexes count from 0 in order
 * of `output_item.added`.
 */
import type { GatewayError } from "../../errors.ts";
import type { ChatCompletionChunk } from "../../lib/openai-types.ts";
import type { StreamEncoder } from "../types.ts";
import {
  callItem,
  customInput,
  isObject,
  itemId,
  messageItem,
  outcomeOf,
  reasoningItem,
  renderUsage,
  responseEnvelope,
  thoughtSignatureOf,
  type ResponsesContext,
} from "./render-responses-output.ts";

type Json = Record<string, unknown>;

interface OpenReasoning {
  index: number;
  id: string;
  text: string;
  signature?: string;
}
interface OpenMessage {
  index: number;
  id: string;
  text: string;
}
interface OpenCall {
  index: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
  custom: boolean;
}

const textEncoder = new TextEncoder();

/** The `response.error.code` Codex acts on: rate limits are retried after a wait, quota is fatal, the rest retried. */
function failureCode(error: GatewayError): string {
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

/** A stateful encoder for one response (see the table above). */
export function createResponsesStreamEncoder(context: ResponsesContext): StreamEncoder {
  const names = context.echo.toolNames;
  const summarize = context.echo.summarize;
  let sequence = 0;
  let started = false;
  let finished = false;
  let nextIndex = 0;
  const output = new Map<number, Json>();
  let reasoning: OpenReasoning | null = null;
  let message: OpenMessage | null = null;
  const calls = new Map<number, OpenCall>();
  const closedCallIndexes = new Set<number>();
  let pendingSignature: string | undefined;
  const toolSignatures: Record<string, string> = {};
  let finishReason: unknown = null;
  let usage: Json | null = null;

  const event = (type: string, fields: Json): Uint8Array =>
    textEncoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
  const finalOutput = () => [...output.entries()].sort(([left], [right]) => left - right).map(([, item]) => item);

  const start = (out: Uint8Array[]): void => {
    if (started) return;
    started = true;
    const response = responseEnvelope(context, { status: "in_progress", output: [], usage: null });
    out.push(event("response.created", { response }), event("response.in_progress", { response }));
  };

  const closeReasoning = (out: Uint8Array[]): void => {
    if (!reasoning) return;
    const { index, id, text, signature } = reasoning;
    reasoning = null;
    const where = { item_id: id, output_index: index };
    out.push(
      event("response.reasoning_text.done", { ...where, content_index: 0, text }),
      event("response.content_part.done", { ...where, content_index: 0, part: { type: "reasoning_text", text } }),
    );
    if (summarize) {
      out.push(
        event("response.reasoning_summary_text.done", { ...where, summary_index: 0, text }),
        event("response.reasoning_summary_part.done", {
          ...where,
          summary_index: 0,
          part: { type: "summary_text", text },
        }),
      );
    }
    const item = reasoningItem(id, { text, signature }, context);
    output.set(index, item);
    out.push(event("response.output_item.done", { output_index: index, item }));
  };

  const closeMessage = (out: Uint8Array[]): void => {
    if (!message) return;
    const { index, id, text } = message;
    message = null;
    const where = { item_id: id, output_index: index, content_index: 0 };
    const item = messageItem(id, text, "completed");
    output.set(index, item);
    out.push(
      event("response.output_text.done", { ...where, text, logprobs: [] }),
      event("response.content_part.done", {
        ...where,
        part: { type: "output_text", text, annotations: [], logprobs: [] },
      }),
      event("response.output_item.done", { output_index: index, item }),
    );
  };

  const closeCall = (openaiIndex: number, out: Uint8Array[]): void => {
    const call = calls.get(openaiIndex);
    if (!call) return;
    calls.delete(openaiIndex);
    closedCallIndexes.add(openaiIndex);
    const where = { item_id: call.id, output_index: call.index };
    if (call.custom) {
      const input = customInput(call.arguments);
      out.push(
        event("response.custom_tool_call_input.delta", { ...where, delta: input }),
        event("response.custom_tool_call_input.done", { ...where, input }),
      );
    } else {
      out.push(event("response.function_call_arguments.done", { ...where, arguments: call.arguments }));
    }
    const item = callItem(call.id, call, names, "completed");
    output.set(call.index, item);
    out.push(event("response.output_item.done", { output_index: call.index, item }));
  };

  const closeCalls = (out: Uint8Array[]): void => {
    const byOutputIndex = [...calls.entries()].sort(([, left], [, right]) => left.index - right.index);
    for (const [openaiIndex] of byOutputIndex) closeCall(openaiIndex, out);
  };

  const reasoningDelta = (text: string, out: Uint8Array[]): void => {
    if (!reasoning) {
      closeMessage(out);
      closeCalls(out);
      const index = nextIndex++;
      reasoning = { index, id: itemId("rs", context.requestId, index), text: "" };
      const where = { item_id: reasoning.id, output_index: index };
      const item = { id: reasoning.id, type: "reasoning", summary: [], content: [] };
      out.push(
        event("response.output_item.added", { output_index: index, item }),
        event("response.content_part.added", {
          ...where,
          content_index: 0,
          part: { type: "reasoning_text", text: "" },
        }),
      );
      if (summarize) {
        out.push(
          event("response.reasoning_summary_part.added", {
            ...where,
            summary_index: 0,
            part: { type: "summary_text", text: "" },
          }),
        );
      }
    }
    reasoning.text += text;
    const where = { item_id: reasoning.id, output_index: reasoning.index };
    out.push(event("response.reasoning_text.delta", { ...where, content_index: 0, delta: text }));
    if (summarize)
      out.push(event("response.reasoning_summary_text.delta", { ...where, summary_index: 0, delta: text }));
  };

  const textDelta = (text: string, out: Uint8Array[]): void => {
    if (!message) {
      closeReasoning(out);
      closeCalls(out);
      const index = nextIndex++;
      message = { index, id: itemId("msg", context.requestId, index), text: "" };
      out.push(
        event("response.output_item.added", { output_index: index, item: messageItem(message.id, "", "in_progress") }),
        event("response.content_part.added", {
          item_id: message.id,
          output_index: index,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [], logprobs: [] },
        }),
      );
    }
    message.text += text;
    out.push(
      event("response.output_text.delta", {
        item_id: message.id,
        output_index: message.index,
        content_index: 0,
        delta: text,
        logprobs: [],
      }),
    );
  };

  const toolFragment = (fragment: Json, out: Uint8Array[]): void => {
    const openaiIndex = typeof fragment.index === "number" ? fragment.index : 0;
    const functionCall = isObject(fragment.function) ? fragment.function : {};
    const fragmentId = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : null;
    let call = calls.get(openaiIndex);
    if (call && fragmentId !== null && fragmentId !== call.callId) {
      closeCall(openaiIndex, out);
      call = undefined;
    }
    if (!call) {
      // A fragment without an id for a call that already closed cannot be sent any more.
      if (fragmentId === null && closedCallIndexes.has(openaiIndex)) return;
      closeReasoning(out);
      closeMessage(out);
      const index = nextIndex++;
      const name = typeof functionCall.name === "string" ? functionCall.name : "";
      const custom = names.get(name)?.kind === "custom";
      call = {
        index,
        id: itemId(custom ? "ctc" : "fc", context.requestId, index),
        callId: fragmentId ?? `call_${crypto.randomUUID().replaceAll("-", "")}`,
        name,
        arguments: "",
        custom,
      };
      calls.set(openaiIndex, call);
      closedCallIndexes.delete(openaiIndex);
      out.push(
        event("response.output_item.added", {
          output_index: index,
          item: callItem(call.id, call, names, "in_progress"),
        }),
      );
    }
    const thought = thoughtSignatureOf(fragment);
    if (thought) toolSignatures[call.callId] = thought;
    const argumentsFragment = isObject(functionCall.arguments)
      ? JSON.stringify(functionCall.arguments)
      : functionCall.arguments;
    if (typeof argumentsFragment === "string" && argumentsFragment !== "") {
      call.arguments += argumentsFragment;
      if (!call.custom) {
        out.push(
          event("response.function_call_arguments.delta", {
            item_id: call.id,
            output_index: call.index,
            delta: argumentsFragment,
          }),
        );
      }
    }
  };

  /** Signatures that arrived outside a reasoning item go out in one reasoning item after everything else. */
  const trailingReasoning = (out: Uint8Array[]): void => {
    if (!pendingSignature && Object.keys(toolSignatures).length === 0) return;
    const index = nextIndex++;
    const id = itemId("rs", context.requestId, index);
    const item = reasoningItem(id, { text: "", signature: pendingSignature, toolSignatures }, context);
    output.set(index, item);
    out.push(
      event("response.output_item.added", { output_index: index, item: { id, type: "reasoning", summary: [] } }),
      event("response.output_item.done", { output_index: index, item }),
    );
  };

  return {
    chunk(chunk: ChatCompletionChunk) {
      if (finished) return [];
      const out: Uint8Array[] = [];
      start(out);
      for (const choice of chunk.choices) {
        const delta = isObject(choice.delta) ? choice.delta : {};
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
          reasoningDelta(delta.reasoning_content, out);
        }
        if (typeof delta.reasoning_signature === "string" && delta.reasoning_signature !== "") {
          if (reasoning) reasoning.signature = (reasoning.signature ?? "") + delta.reasoning_signature;
          else pendingSignature = (pendingSignature ?? "") + delta.reasoning_signature;
        }
        for (const text of [delta.content, delta.refusal]) {
          if (typeof text === "string" && text !== "") textDelta(text, out);
        }
        if (Array.isArray(delta.tool_calls)) {
          for (const fragment of delta.tool_calls) if (isObject(fragment)) toolFragment(fragment, out);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      return out;
    },

    usage(reported, _chunk, cost) {
      usage = renderUsage(reported, cost);
      return [];
    },

    end() {
      if (finished) return [];
      finished = true;
      const out: Uint8Array[] = [];
      start(out);
      closeReasoning(out);
      closeMessage(out);
      closeCalls(out);
      trailingReasoning(out);
      const outcome = outcomeOf(finishReason);
      const response = responseEnvelope(context, { ...outcome, output: finalOutput(), usage });
      out.push(event(outcome.status === "completed" ? "response.completed" : "response.incomplete", { response }));
      return out;
    },

    error(error: GatewayError) {
      if (finished) return [];
      finished = true;
      const out: Uint8Array[] = [];
      start(out);
      const code = failureCode(error);
      out.push(
        event("error", { code, message: error.message, param: error.param }),
        event("response.failed", {
          response: responseEnvelope(context, {
            status: "failed",
            output: finalOutput(),
            usage,
            error: { code, message: error.message },
          }),
        }),
      );
      return out;
    },
  };
}
