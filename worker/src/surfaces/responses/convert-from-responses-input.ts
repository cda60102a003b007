/**
 * Responses `input` items to Chat Completions messages. docs/responses.md ("Input").
 * https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 *
 * | input item | rule | internal |
 * |---|---|---|
 * | message, role `user` | map | `user`; `input_text` parts joined into one string, with `input_image` a parts array
 * (`image_url {url, detail}`; `detail` low / high kept, auto / original dropped) |
 * | message, role `system` / `developer` | map | `system` (every provider accepts it; Codex sends its prompt so) |
 * | message, role `assistant` (`output_text`, `refusal`, or text) | map | `assistant` text |
 * | `function_call {call_id, name, arguments, namespace?}` | map | a tool call `{id: call_id, function: {name:
 * <namespace>__<name> or name, arguments}}` on the assistant message |
 * | `custom_tool_call {call_id, name, input}` | map | a tool call with arguments `{"input": input}` |
 * | `function_call_output` / `custom_tool_call_output {call_id, output}` | map | a `tool` message; output parts' text
 * joined, their images put in a user message after the tool results |
 * | `reasoning` with omnizen's `encrypted_content` from the same model | map | `reasoning_content` (and
 * `reasoning_signature`, Gemini thought signatures on the tool calls) on the assistant message it belongs to |
 * | `reasoning` from another model or provider, or foreign / garbled `encrypted_content`, or none | drop | never
 * replayed across models (litellm#40364); never an error |
 * | consecutive assistant messages, calls and reasoning items | merge | one assistant message (a second reasoning
 * item's text is appended unless the first is signed) |
 * | `item_reference` | refuse | 400 `input[i].type`: nothing is stored to reference |
 * | `input_file` parts, `input_image` with `file_id` | refuse | 400 naming the part: files are not kept |
 * | any other item type (built-in tool calls) | refuse | 400 `input[i].type` |
 * | `id`, `status`, `phase` and unknown keys on items | drop | |
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { ResponsesInputItem } from "./parse-responses-request.ts";
import { decodeReasoningCarrier, type ReasoningCarrier } from "./reasoning-carrier.ts";
import { flatName } from "./convert-responses-tools.ts";

type Json = Record<string, unknown>;
type ChatMessage = ChatCompletionRequest["messages"][number];
type ChatPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string; detail?: string } };
interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  extra_content?: Json;
}

/** Who answers this request: a reasoning item is restored only when it was made by the same model. */
export interface ReasoningOwner {
  provider: string;
  model: string;
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const refuse = (param: string, message: string) => new GatewayError("invalid_request", message, { param });
const TEXT_SEPARATOR = "\n\n";

function stringField(item: Json, field: string, param: string): string {
  const value = item[field];
  if (typeof value !== "string") throw refuse(`${param}.${field}`, `${param}.${field} must be a string.`);
  return value;
}

/** A message's or tool output's parts as chat parts, by the table above. */
function convertParts(content: unknown, param: string): ChatPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw refuse(param, `${param} must be a string or an array of content parts.`);
  return content.map((part: unknown, index): ChatPart => {
    const partParam = `${param}[${index}]`;
    if (!isObject(part)) throw refuse(partParam, `${partParam} must be a content part.`);
    switch (part.type) {
      case "input_text":
      case "output_text":
      case "text":
        return { type: "text", text: stringField(part, "text", partParam) };
      case "refusal":
        return { type: "text", text: stringField(part, "refusal", partParam) };
      case "input_image": {
        if (typeof part.image_url !== "string" || part.image_url === "") {
          throw refuse(
            `${partParam}.image_url`,
            `${partParam}: send images as image_url (a URL or data URL); file ids are not available.`,
          );
        }
        // Chat Completions knows low / high (auto is its default); Responses' "original" has no counterpart there.
        const detail = part.detail === "low" || part.detail === "high" ? { detail: part.detail } : {};
        return { type: "image_url", image_url: { url: part.image_url, ...detail } };
      }
      case "input_file":
        throw refuse(
          `${partParam}.type`,
          `${partParam}.type: input_file is not available on /v1/responses; send the text as input_text.`,
        );
      default:
        throw refuse(
          `${partParam}.type`,
          `${partParam}.type: unsupported content part type; accepted: input_text, input_image, output_text, refusal.`,
        );
    }
  });
}

const textOf = (parts: readonly ChatPart[]): string =>
  parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(TEXT_SEPARATOR);

const joinReasoning = (first: string, second: string): string =>
  first === "" ? second : `${first}${TEXT_SEPARATOR}${second}`;

/** Text-only content becomes one string; anything with an image stays a parts array. */
const flatten = (parts: ChatPart[]): string | ChatPart[] =>
  parts.every((part) => part.type === "text") ? textOf(parts) : parts;

/** Builds the chat messages in order; see the table. */
class MessageBuilder {
  readonly messages: ChatMessage[] = [];
  private assistant: { texts: string[]; toolCalls: ToolCall[]; reasoning: ReasoningCarrier | null } | null = null;
  private toolImages: ChatPart[] = [];

  constructor(private readonly owner: ReasoningOwner) {}

  private flushAssistant(): void {
    const turn = this.assistant;
    this.assistant = null;
    if (!turn || (turn.texts.length === 0 && turn.toolCalls.length === 0)) return;
    const message: Json = {
      role: "assistant",
      content: turn.texts.length > 0 ? turn.texts.join(TEXT_SEPARATOR) : null,
    };
    const signatures = turn.reasoning?.tool_signatures ?? {};
    if (turn.toolCalls.length > 0) {
      message.tool_calls = turn.toolCalls.map((call) => {
        const signature = signatures[call.id];
        return signature ? { ...call, extra_content: { google: { thought_signature: signature } } } : call;
      });
    }
    if (turn.reasoning && turn.reasoning.text !== "") {
      message.reasoning_content = turn.reasoning.text;
      if (turn.reasoning.signature) message.reasoning_signature = turn.reasoning.signature;
    }
    this.messages.push(message as ChatMessage);
  }

  private flushToolImages(): void {
    if (this.toolImages.length === 0) return;
    this.messages.push({ role: "user", content: this.toolImages } as ChatMessage);
    this.toolImages = [];
  }

  /** Everything that is not an assistant turn or a tool result ends both. */
  private push(message: ChatMessage): void {
    this.flushAssistant();
    this.flushToolImages();
    this.messages.push(message);
  }

  private assistantTurn() {
    this.flushToolImages();
    this.assistant ??= { texts: [], toolCalls: [], reasoning: null };
    return this.assistant;
  }

  message(item: Json, param: string): void {
    const role = item.role;
    const parts = convertParts(item.content, `${param}.content`);
    if (role === "user") this.push({ role: "user", content: flatten(parts) } as ChatMessage);
    else if (role === "system" || role === "developer") {
      if (parts.some((part) => part.type !== "text")) {
        throw refuse(`${param}.content`, `${param}: ${role} messages may only hold text.`);
      }
      this.push({ role: "system", content: textOf(parts) });
    } else if (role === "assistant") {
      if (parts.some((part) => part.type !== "text")) {
        throw refuse(`${param}.content`, `${param}: assistant messages may only hold text.`);
      }
      const text = textOf(parts);
      const turn = this.assistantTurn();
      if (text !== "") turn.texts.push(text);
    } else {
      throw refuse(`${param}.role`, `${param}.role must be user, assistant, system or developer.`);
    }
  }

  call(id: string, name: string, argumentsText: string): void {
    this.assistantTurn().toolCalls.push({ id, type: "function", function: { name, arguments: argumentsText } });
  }

  toolResult(callId: string, output: unknown, param: string): void {
    this.flushAssistant();
    const parts = convertParts(output ?? "", `${param}.output`);
    for (const part of parts) if (part.type === "image_url") this.toolImages.push(part);
    this.messages.push({ role: "tool", tool_call_id: callId, content: textOf(parts) } as ChatMessage);
  }

  /**
   * Items between two user or tool messages are one assistant turn (one answer: reasoning, text, calls, and with
   * interleaved thinking more reasoning), so a reasoning item joins the current turn. A second one adds its text,
   * unless the first is signed (an Anthropic signature covers exactly its own text), and its thought signatures.
   */
  reasoning(item: Json): void {
    const decoded = decodeReasoningCarrier(item.encrypted_content);
    const own = decoded && decoded.model === this.owner.model && decoded.provider === this.owner.provider;
    const turn = this.assistantTurn();
    if (!own) return;
    const current = turn.reasoning;
    if (!current) {
      turn.reasoning = decoded;
      return;
    }
    const text = current.signature || decoded.text === "" ? current.text : joinReasoning(current.text, decoded.text);
    const toolSignatures = { ...current.tool_signatures, ...decoded.tool_signatures };
    turn.reasoning = {
      ...current,
      text,
      ...(Object.keys(toolSignatures).length > 0 ? { tool_signatures: toolSignatures } : {}),
    };
  }

  finish(): ChatMessage[] {
    this.flushAssistant();
    this.flushToolImages();
    return this.messages;
  }
}

/** Converts `input` by the table above; throws a 400 naming the item for what it refuses. */
export function convertFromResponsesInput(input: readonly ResponsesInputItem[], owner: ReasoningOwner): ChatMessage[] {
  const builder = new MessageBuilder(owner);
  input.forEach((item: Json, index) => {
    const param = `input[${index}]`;
    const type = item.type ?? "message";
    switch (type) {
      case "message":
        builder.message(item, param);
        break;
      case "function_call": {
        const namespace = typeof item.namespace === "string" && item.namespace !== "" ? item.namespace : undefined;
        const name = flatName(stringField(item, "name", param), namespace);
        builder.call(stringField(item, "call_id", param), name, stringField(item, "arguments", param));
        break;
      }
      case "custom_tool_call":
        builder.call(
          stringField(item, "call_id", param),
          stringField(item, "name", param),
          JSON.stringify({ input: stringField(item, "input", param) }),
        );
        break;
      case "function_call_output":
      case "custom_tool_call_output":
        builder.toolResult(stringField(item, "call_id", param), item.output, param);
        break;
      case "reasoning":
        builder.reasoning(item);
        break;
      case "item_reference":
        throw refuse(
          `${param}.type`,
          `${param}.type: item_reference is not supported: omnizen stores no items to reference. Send the item itself.`,
        );
      default:
        throw refuse(
          `${param}.type`,
          `${param}.type: unsupported input item type; accepted: message, function_call, function_call_output, custom_tool_call, custom_tool_call_output, reasoning.`,
        );
    }
  });
  return builder.finish();
}
