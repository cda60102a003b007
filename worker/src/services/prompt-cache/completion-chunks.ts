/**
 * Conversions between a streamed answer (ChatCompletionChunks) and a non-streamed one (ChatCompletion), so one cache
 * entry serves a request whether or not it streams. Accumulation follows the official OpenAI SDK's
 * `ChatCompletionStream` (openai-node `src/lib/ChatCompletionStream.ts`).
 * https://platform.openai.com/docs/api-reference/chat-streaming
 *
 * | chunk field (per choice `index`) | accumulated into |
 * |---|---|
 * | `delta.content`, `delta.reasoning_content`, `delta.refusal` | concatenated; `content` and `refusal` null when no
 * string came |
 * | `delta.tool_calls[]` | one tool call per `index` (a new non-empty `id` at a used index starts another): `arguments`
 * concatenated, `id`, `type`, `name` and other fields last value wins |
 * | other `delta` fields (`role`, `reasoning_signature`, ...) | the message, last non-null value wins |
 * | `finish_reason` and other choice fields (`stop_reason`, `matched_stop`, ...) | the choice, last non-null value wins
 * |
 * | `logprobs.content`, `logprobs.refusal` | concatenated |
 * | `usage` | the last non-null one |
 * | `id`, `created`, `model` and other top-level fields | from the first chunk, later ones fill what it lacked |
 */
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionChunk } from "../../lib/openai-types.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const present = (value: unknown): boolean => value !== null && value !== undefined;

/** Delta fields whose fragments are concatenated. */
const TEXT_FIELDS = new Set(["content", "reasoning_content", "refusal"]);
/** Top-level chunk fields that do not carry over to the completion as they are. */
const CHUNK_ENVELOPE = new Set(["object", "choices", "usage"]);
/** Message fields `toChunks` gives chunks of their own. */
const MESSAGE_STREAMED = new Set(["role", "content", "reasoning_content", "refusal", "tool_calls"]);

interface ChoiceState {
  choice: ChatCompletionChoice;
  message: Json;
  toolCalls: Json[];
  /** The open tool call per OpenAI `index`, with its id. */
  openToolCalls: Map<number, { call: Json; id: string | null }>;
}

/**
 * The non-streamed answer equal to `chunks` by the table above. Tool call arguments are reassembled byte for byte.
 * Pure; never mutates `chunks`.
 */
export function toCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const completion: ChatCompletion = { id: "", object: "chat.completion", created: 0, model: "", choices: [] };
  const seen = new Set<string>();
  const choices = new Map<number, ChoiceState>();
  for (const chunk of chunks) {
    for (const [field, value] of Object.entries(chunk)) {
      if (CHUNK_ENVELOPE.has(field) || !present(value) || seen.has(field)) continue;
      seen.add(field);
      completion[field] = value;
    }
    if (present(chunk.usage)) completion.usage = chunk.usage;
    for (const choice of chunk.choices) {
      let state = choices.get(choice.index);
      if (!state) {
        state = {
          choice: { index: choice.index, message: {}, finish_reason: null },
          message: {},
          toolCalls: [],
          openToolCalls: new Map(),
        };
        choices.set(choice.index, state);
      }
      accumulateChoice(state, choice);
    }
  }
  completion.choices = [...choices.values()]
    .sort((first, second) => first.choice.index - second.choice.index)
    .map(({ choice, message, toolCalls }) => {
      const accumulated: Json = { role: "assistant", ...message };
      accumulated.content ??= null;
      if (toolCalls.length > 0) accumulated.tool_calls = toolCalls;
      return { ...choice, message: accumulated };
    });
  return completion;
}

function accumulateChoice(state: ChoiceState, choice: ChatCompletionChoice): void {
  for (const [field, value] of Object.entries(choice)) {
    if (field === "index" || field === "delta" || field === "message") continue;
    if (field === "logprobs") state.choice.logprobs = mergeLogprobs(state.choice.logprobs, value);
    else if (present(value) || !(field in state.choice)) state.choice[field] = value;
  }
  const delta = isObject(choice.delta) ? choice.delta : {};
  for (const [field, value] of Object.entries(delta)) {
    if (field === "tool_calls") {
      if (Array.isArray(value))
        for (const fragment of value) if (isObject(fragment)) accumulateToolCall(state, fragment);
    } else if (TEXT_FIELDS.has(field)) {
      if (typeof value === "string")
        state.message[field] = (typeof state.message[field] === "string" ? state.message[field] : "") + value;
      else if (!(field in state.message)) state.message[field] = null;
    } else if (value !== undefined && (value !== null || !(field in state.message))) {
      state.message[field] = value;
    }
  }
}

function accumulateToolCall(state: ChoiceState, fragment: Json): void {
  const index = typeof fragment.index === "number" ? fragment.index : 0;
  const id = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : null;
  let open = state.openToolCalls.get(index);
  if (!open || (id !== null && open.id !== null && id !== open.id)) {
    open = { call: { id: "", type: "function", function: { name: "", arguments: "" } }, id };
    state.openToolCalls.set(index, open);
    state.toolCalls.push(open.call);
  }
  if (id !== null) open.id = id;
  const { call } = open;
  for (const [field, value] of Object.entries(fragment)) {
    if (field === "index" || value === undefined || value === null) continue;
    if (field === "function") {
      if (isObject(value) && isObject(call.function)) mergeFunction(call.function, value);
    } else if (field === "id") call.id = id ?? call.id;
    else call[field] = value;
  }
}

function mergeFunction(into: Json, fragment: Json): void {
  for (const [field, value] of Object.entries(fragment)) {
    if (field === "arguments") {
      // Some upstreams send the arguments as an object; the encoders stringify it the same way.
      const text = isObject(value) ? JSON.stringify(value) : typeof value === "string" ? value : "";
      into.arguments = `${typeof into.arguments === "string" ? into.arguments : ""}${text}`;
    } else if (field === "name") {
      if (typeof value === "string" && value !== "") into.name = value;
    } else if (present(value)) {
      into[field] = value;
    }
  }
}

function mergeLogprobs(current: unknown, update: unknown): unknown {
  if (!isObject(update)) return current ?? update;
  const merged: Json = isObject(current) ? { ...current } : {};
  for (const [field, value] of Object.entries(update)) {
    const previous = merged[field];
    merged[field] =
      Array.isArray(value) && Array.isArray(previous) ? [...previous, ...value] : (value ?? previous ?? null);
  }
  return merged;
}

/**
 * Chunks that stream `completion`, per choice: a role chunk (`content: ""`, or null when the message's content is
 * null, the same for `refusal`, plus the message's fields other than the streamed ones), then one chunk each for
 * reasoning, content, refusal
 * and all tool calls (complete, with `index`), when present, then a finish chunk with `finish_reason` and the other
 * choice fields. Chunks keep the completion's `id`, `created`, `model` and other top-level fields except `usage`,
 * which the caller sends in its own usage chunk. `toCompletion` of the result gives `completion` back (without
 * `usage`), except that array `content` comes back as its joined text.
 */
export function toChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const { object: _object, choices, usage: _usage, ...header } = completion;
  const chunkOf = (choice: Json): ChatCompletionChunk => ({
    ...header,
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
    choices: [{ finish_reason: null, ...choice } as ChatCompletionChoice],
  });
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of choices) {
    const { index, message: rawMessage, finish_reason: finishReason, ...choiceFields } = choice;
    const message = isObject(rawMessage) ? rawMessage : {};
    const deltaChunk = (delta: Json) => chunks.push(chunkOf({ index, delta }));
    const content = contentText(message.content);

    const extraFields = Object.fromEntries(Object.entries(message).filter(([field]) => !MESSAGE_STREAMED.has(field)));
    // The role chunk opens `content` and `refusal` as strings or nulls, so that `toCompletion` restores which they
    // were.
    const refusalField = "refusal" in message ? { refusal: typeof message.refusal === "string" ? "" : null } : {};
    deltaChunk({
      role: typeof message.role === "string" ? message.role : "assistant",
      content: content === null ? null : "",
      ...refusalField,
      ...extraFields,
    });
    if (typeof message.reasoning_content === "string" && message.reasoning_content !== "")
      deltaChunk({ reasoning_content: message.reasoning_content });
    if (content) deltaChunk({ content });
    if (typeof message.refusal === "string" && message.refusal !== "") deltaChunk({ refusal: message.refusal });
    const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
    if (toolCalls.length > 0)
      deltaChunk({ tool_calls: toolCalls.map((call, callIndex) => ({ index: callIndex, ...call })) });
    chunks.push(chunkOf({ index, delta: {}, ...choiceFields, finish_reason: finishReason }));
  }
  return chunks;
}

/** A message's content as text: a string as is, text parts joined, null when it has none. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  return content
    .filter(isObject)
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
