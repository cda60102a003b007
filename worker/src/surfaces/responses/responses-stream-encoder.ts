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
import {
  callDone,
  failureCode,
  messageAdded,
  messageDone,
  reasoningAdded,
  reasoningDelta,
  reasoningDone,
  textDelta,
  type Emit,
  type ItemPosition,
} from "./responses-item-events.ts";

type Json = Record<string, unknown>;

interface OpenReasoning extends ItemPosition {
  text: string;
  signature?: string;
}
interface OpenMessage extends ItemPosition {
  text: string;
}
interface OpenCall extends ItemPosition {
  callId: string;
  name: string;
  arguments: string;
}

const textEncoder = new TextEncoder();
const position = (item: ItemPosition): ItemPosition => ({ item_id: item.item_id, output_index: item.output_index });

/** A stateful encoder for one response (see the table above). */
export function createResponsesStreamEncoder(context: ResponsesContext, modelId?: string): StreamEncoder {
  const model = modelId === undefined ? {} : { model: modelId };
  const names = context.echo.toolNames;
  const summarize = context.echo.summarize;
  let sequence = 0;
  let started = false;
  let finished = false;
  let nextIndex = 0;
  const output = new Map<number, Json>();
  let reasoning: OpenReasoning | null = null;
  let message: OpenMessage | null = null;
  /** Open calls by OpenAI tool `index`. */
  const calls = new Map<number, OpenCall>();
  const closedCallIndexes = new Set<number>();
  let pendingSignature: string | undefined;
  const toolSignatures: Record<string, string> = {};
  let finishReason: unknown = null;
  let usage: Json | null = null;

  const emitter =
    (out: Uint8Array[]): Emit =>
    (type, fields) => {
      const data = JSON.stringify({ type, sequence_number: sequence++, ...fields });
      out.push(textEncoder.encode(`event: ${type}\ndata: ${data}\n\n`));
    };
  const finalOutput = () => [...output.entries()].sort(([left], [right]) => left - right).map(([, item]) => item);
  const nextPosition = (prefix: "rs" | "msg" | "fc" | "ctc"): ItemPosition => {
    const index = nextIndex++;
    return { item_id: itemId(prefix, context.requestId, index), output_index: index };
  };

  const start = (emit: Emit): void => {
    if (started) return;
    started = true;
    const response = responseEnvelope(context, { status: "in_progress", output: [], usage: null, ...model });
    emit("response.created", { response });
    emit("response.in_progress", { response });
  };

  const closeReasoning = (emit: Emit): void => {
    if (!reasoning) return;
    const { text, signature } = reasoning;
    const where = position(reasoning);
    reasoning = null;
    const item = reasoningItem(where.item_id, { text, signature }, context);
    output.set(where.output_index, item);
    reasoningDone(emit, where, text, summarize, item);
  };

  const closeMessage = (emit: Emit): void => {
    if (!message) return;
    const { text } = message;
    const where = position(message);
    message = null;
    const item = messageItem(where.item_id, text, "completed");
    output.set(where.output_index, item);
    messageDone(emit, where, text, item);
  };

  const closeCall = (openaiIndex: number, emit: Emit): void => {
    const call = calls.get(openaiIndex);
    if (!call) return;
    calls.delete(openaiIndex);
    closedCallIndexes.add(openaiIndex);
    const item = callItem(call.item_id, call, names, "completed");
    output.set(call.output_index, item);
    callDone(emit, position(call), item);
  };

  const closeCalls = (emit: Emit): void => {
    const byOutputIndex = [...calls.entries()].sort(([, left], [, right]) => left.output_index - right.output_index);
    for (const [openaiIndex] of byOutputIndex) closeCall(openaiIndex, emit);
  };

  const onReasoning = (text: string, emit: Emit): void => {
    if (!reasoning) {
      closeMessage(emit);
      closeCalls(emit);
      reasoning = { ...nextPosition("rs"), text: "" };
      reasoningAdded(emit, position(reasoning), summarize);
    }
    reasoning.text += text;
    reasoningDelta(emit, position(reasoning), text, summarize);
  };

  const onText = (text: string, emit: Emit): void => {
    if (!message) {
      closeReasoning(emit);
      closeCalls(emit);
      message = { ...nextPosition("msg"), text: "" };
      messageAdded(emit, position(message), messageItem(message.item_id, "", "in_progress"));
    }
    message.text += text;
    textDelta(emit, position(message), text);
  };

  const onToolFragment = (fragment: Json, emit: Emit): void => {
    const openaiIndex = typeof fragment.index === "number" ? fragment.index : 0;
    const functionCall = isObject(fragment.function) ? fragment.function : {};
    const fragmentId = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : null;
    let call = calls.get(openaiIndex);
    if (call && fragmentId !== null && fragmentId !== call.callId) {
      closeCall(openaiIndex, emit);
      call = undefined;
    }
    if (!call) {
      // A fragment without an id for a call that already closed cannot be sent any more.
      if (fragmentId === null && closedCallIndexes.has(openaiIndex)) return;
      closeReasoning(emit);
      closeMessage(emit);
      const name = typeof functionCall.name === "string" ? functionCall.name : "";
      const callId = fragmentId ?? `call_${crypto.randomUUID().replaceAll("-", "")}`;
      call = { ...nextPosition(names.get(name)?.kind === "custom" ? "ctc" : "fc"), callId, name, arguments: "" };
      calls.set(openaiIndex, call);
      closedCallIndexes.delete(openaiIndex);
      const item = callItem(call.item_id, call, names, "in_progress");
      emit("response.output_item.added", { output_index: call.output_index, item });
    }
    const thought = thoughtSignatureOf(fragment);
    if (thought) toolSignatures[call.callId] = thought;
    const argumentsFragment = isObject(functionCall.arguments)
      ? JSON.stringify(functionCall.arguments)
      : functionCall.arguments;
    if (typeof argumentsFragment !== "string" || argumentsFragment === "") return;
    call.arguments += argumentsFragment;
    if (names.get(call.name)?.kind !== "custom") {
      emit("response.function_call_arguments.delta", { ...position(call), delta: argumentsFragment });
    }
  };

  /** Signatures that arrived outside a reasoning item go out in one reasoning item after everything else. */
  const trailingReasoning = (emit: Emit): void => {
    if (!pendingSignature && Object.keys(toolSignatures).length === 0) return;
    const where = nextPosition("rs");
    const item = reasoningItem(where.item_id, { text: "", signature: pendingSignature, toolSignatures }, context);
    output.set(where.output_index, item);
    const added = { id: where.item_id, type: "reasoning", summary: [] };
    emit("response.output_item.added", { output_index: where.output_index, item: added });
    emit("response.output_item.done", { output_index: where.output_index, item });
  };

  return {
    chunk(chunk: ChatCompletionChunk) {
      if (finished) return [];
      const out: Uint8Array[] = [];
      const emit = emitter(out);
      start(emit);
      for (const choice of chunk.choices) {
        const delta = isObject(choice.delta) ? choice.delta : {};
        if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
          onReasoning(delta.reasoning_content, emit);
        }
        if (typeof delta.reasoning_signature === "string" && delta.reasoning_signature !== "") {
          if (reasoning) reasoning.signature = (reasoning.signature ?? "") + delta.reasoning_signature;
          else pendingSignature = (pendingSignature ?? "") + delta.reasoning_signature;
        }
        for (const text of [delta.content, delta.refusal]) {
          if (typeof text === "string" && text !== "") onText(text, emit);
        }
        if (Array.isArray(delta.tool_calls)) {
          for (const fragment of delta.tool_calls) if (isObject(fragment)) onToolFragment(fragment, emit);
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
      const emit = emitter(out);
      start(emit);
      closeReasoning(emit);
      closeMessage(emit);
      closeCalls(emit);
      trailingReasoning(emit);
      const outcome = outcomeOf(finishReason);
      const response = responseEnvelope(context, { ...outcome, output: finalOutput(), usage, ...model });
      emit(outcome.status === "completed" ? "response.completed" : "response.incomplete", { response });
      return out;
    },

    error(error: GatewayError) {
      if (finished) return [];
      finished = true;
      const out: Uint8Array[] = [];
      const emit = emitter(out);
      start(emit);
      const code = failureCode(error);
      emit("error", { code, message: error.message, param: error.param });
      const failure = { code, message: error.message };
      emit("response.failed", {
        response: responseEnvelope(context, {
          status: "failed",
          output: finalOutput(),
          usage,
          error: failure,
          ...model,
        }),
      });
      return out;
    },
  };
}
