/**
 * OpenAI `messages` -> Gemini `contents` + `systemInstruction`.
 * https://ai.google.dev/api/generate-content#request-body
 * https://ai.google.dev/gemini-api/docs/function-calling
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import {
  isJsonObject,
  type GeminiContent,
  type GeminiGenerateContentRequest,
  type GeminiPart,
  type JsonObject,
} from "./gemini-api-types.ts";
import { contentAsText, convertContentToGeminiParts } from "./convert-to-gemini-parts.ts";

/**
 * The signature Google documents for function calls whose real thought signature is unknown (history written by
 * another model, or a client that dropped `extra_content`). Gemini 3 refuses a function call without any signature.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

type GeminiContents = Pick<GeminiGenerateContentRequest, "contents" | "systemInstruction">;

const refuse = (param: string, message: string): GatewayError =>
  new GatewayError("invalid_request", message, { param });

/** Reads `extra_content.google.thought_signature`, where Google's OpenAI compatibility layer puts it on a tool call. */
export function readThoughtSignature(toolCall: JsonObject): string | undefined {
  const extra = isJsonObject(toolCall.extra_content) ? toolCall.extra_content : {};
  const google = isJsonObject(extra.google) ? extra.google : {};
  return typeof google.thought_signature === "string" && google.thought_signature.length > 0
    ? google.thought_signature
    : undefined;
}

/** Tool-call arguments (a JSON text, or an already parsed object) -> the `args` object Gemini expects. */
function parseArguments(value: unknown, param: string): JsonObject {
  if (isJsonObject(value)) return value;
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return {};
  if (typeof value !== "string") throw refuse(param, "Tool-call arguments must be a JSON object encoded as a string.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw refuse(param, "Tool-call arguments are not valid JSON.");
  }
  if (!isJsonObject(parsed)) throw refuse(param, "Tool-call arguments must be a JSON object.");
  return parsed;
}

/** Assistant `tool_calls` -> functionCall parts; records each call's name under its id for later tool messages. */
function convertToolCalls(toolCalls: unknown, param: string, namesById: Map<string, string>): GeminiPart[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw refuse(param, "tool_calls must be an array.");
  return toolCalls.map((toolCall: unknown, index) => {
    const callParam = `${param}[${index}]`;
    const call = isJsonObject(toolCall) ? toolCall : {};
    const callFunction = isJsonObject(call.function) ? call.function : {};
    if (typeof callFunction.name !== "string" || callFunction.name.length === 0) {
      throw refuse(`${callParam}.function.name`, "Each tool call needs a function name.");
    }
    if (typeof call.id === "string") namesById.set(call.id, callFunction.name);
    const args = parseArguments(callFunction.arguments, `${callParam}.function.arguments`);
    // Gemini validates the signature on the first function call of each model step; parallel calls carry none.
    const signature = readThoughtSignature(call) ?? (index === 0 ? SKIP_THOUGHT_SIGNATURE : undefined);
    return { functionCall: { name: callFunction.name, args }, ...(signature ? { thoughtSignature: signature } : {}) };
  });
}

/** A tool result's text -> Gemini's `response` object: parsed JSON when the text is JSON, else the text itself. */
function toolResponse(text: string): JsonObject {
  try {
    return { content: JSON.parse(text) as unknown };
  } catch {
    return { content: text };
  }
}

/**
 * Converts the conversation. System and developer messages, wherever they appear, become `systemInstruction`
 * (Gemini has one); user -> "user", assistant -> "model", tool results -> `functionResponse` parts in a "user"
 * turn. Consecutive turns of the same role are merged, as Gemini expects alternating turns. Assistant
 * `reasoning_content` is not sent back (Gemini reads thoughts only through signatures).
 */
export function convertToGeminiContents(messages: ChatCompletionRequest["messages"]): GeminiContents {
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNamesById = new Map<string, string>();
  const append = (role: GeminiContent["role"], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) for (const part of parts) last.parts.push(part);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        for (const part of convertContentToGeminiParts(message.content, `${param}.content`, false)) {
          if ("text" in part) systemParts.push({ text: part.text });
        }
        return;
      case "user":
        append("user", convertContentToGeminiParts(message.content, `${param}.content`, true));
        return;
      case "assistant": {
        if (message.function_call !== undefined && message.function_call !== null) {
          throw refuse(`${param}.function_call`, "The legacy function_call field is not supported; use tool_calls.");
        }
        const textParts = convertContentToGeminiParts(message.content, `${param}.content`, false);
        append("model", [...textParts, ...convertToolCalls(message.tool_calls, `${param}.tool_calls`, toolNamesById)]);
        return;
      }
      case "tool": {
        const name = typeof message.tool_call_id === "string" ? toolNamesById.get(message.tool_call_id) : undefined;
        if (!name) {
          throw refuse(
            `${param}.tool_call_id`,
            "A tool message must answer a tool call made by an earlier assistant message.",
          );
        }
        const response = toolResponse(contentAsText(message.content, `${param}.content`));
        append("user", [{ functionResponse: { name, response } }]);
        return;
      }
      case "function":
        throw refuse(`${param}.role`, "The legacy 'function' role is not supported; use tool messages.");
    }
  });

  if (contents.length === 0) {
    throw refuse(
      "messages",
      "Gemini needs at least one non-empty user, assistant or tool message besides system messages.",
    );
  }
  return { contents, ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}) };
}
