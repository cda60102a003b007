/**
 * The OpenAI chat completions dialect, shared by openai, deepseek, zai, qwen, minimax and moonshot.
 * Reasoning: hidden for openai (counted only), `<think>…</think>` inline in `content` for minimax, and
 * `reasoning_content` deltas / message field for the others. Moonshot streams also put `usage` inside
 * `choices[0]` of the finish chunk (always), besides the standard `include_usage` chunk.
 */
import type { CompletionPlan } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonObject, StreamEvent } from "./dialect.ts";
import { sseData } from "./http-utils.ts";
import { openAiErrorBody, openAiStyleUsage } from "./openai-shapes.ts";
import { openAiPromptText } from "./prompt-text.ts";

const created = (): number => Math.floor(Date.now() / 1000);

const completionId = (request: DialectRequest): string => `chatcmpl-sim${request.requestNumber}`;

const includeUsage = (request: DialectRequest): boolean => {
  const options = request.body.stream_options;
  return typeof options === "object" && options !== null && (options as JsonObject).include_usage === true;
};

type ReasoningStyle = "hidden" | "inline" | "field";

const reasoningStyle = (request: DialectRequest): ReasoningStyle =>
  request.provider === "openai" ? "hidden" : request.provider === "minimax" ? "inline" : "field";

const finishReason = (plan: CompletionPlan): string => (plan.toolCall ? "tool_calls" : "stop");

const toolCallId = (plan: CompletionPlan): string => `call_${plan.toolCall?.idSuffix ?? ""}`;

/** Text chunks of `content`, with minimax's inline reasoning wrapped in think tags ahead of the reply. */
function contentPieces(plan: CompletionPlan, style: ReasoningStyle): string[] {
  const pieces = [...plan.textChunks];
  if (style !== "inline" || plan.reasoning === null) return pieces;
  const thinking = plan.reasoningChunks.map(
    (piece, index, all) =>
      `${index === 0 ? "<think>\n" : ""}${piece}${index === all.length - 1 ? "\n</think>\n\n" : ""}`,
  );
  return [...thinking, ...pieces];
}

function completionBody(plan: CompletionPlan, request: DialectRequest): unknown {
  const style = reasoningStyle(request);
  const content =
    plan.text === null && !(style === "inline" && plan.reasoning) ? null : contentPieces(plan, style).join("");
  const message: JsonObject = { role: "assistant", content };
  if (style === "field" && plan.reasoning !== null) message.reasoning_content = plan.reasoning;
  if (plan.toolCall) {
    message.tool_calls = [
      {
        id: toolCallId(plan),
        type: "function",
        function: { name: plan.toolCall.name, arguments: plan.toolCall.argumentsJson },
      },
    ];
  }
  if (request.provider === "openai") message.refusal = null;
  return {
    id: completionId(request),
    object: "chat.completion",
    created: created(),
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(plan) }],
    usage: openAiStyleUsage(request.provider, plan.usage),
    ...(request.provider === "openai" || request.provider === "deepseek" ? { system_fingerprint: "fp_sim" } : {}),
  };
}

function streamEvents(plan: CompletionPlan, request: DialectRequest): StreamEvent[] {
  const style = reasoningStyle(request);
  const withUsage = includeUsage(request);
  const base = {
    id: completionId(request),
    object: "chat.completion.chunk",
    created: created(),
    model: plan.model,
    ...(request.provider === "openai" || request.provider === "deepseek" ? { system_fingerprint: "fp_sim" } : {}),
  };
  const chunk = (delta: JsonObject, finish: string | null = null, extra: JsonObject = {}): string =>
    sseData({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }],
      ...(withUsage ? { usage: null } : {}),
    });
  const events: StreamEvent[] = [];
  const firstContent = plan.text === null && !(style === "inline" && plan.reasoning) ? null : "";
  events.push({ kind: "structure", text: chunk({ role: "assistant", content: firstContent }) });
  if (style === "field") {
    for (const piece of plan.reasoningChunks)
      events.push({ kind: "content", text: chunk({ reasoning_content: piece }) });
  }
  for (const piece of contentPieces(plan, style)) events.push({ kind: "content", text: chunk({ content: piece }) });
  if (plan.toolCall) {
    const header = {
      index: 0,
      id: toolCallId(plan),
      type: "function",
      function: { name: plan.toolCall.name, arguments: "" },
    };
    events.push({ kind: "structure", text: chunk({ tool_calls: [header] }) });
    for (const piece of plan.toolCall.argumentChunks) {
      events.push({ kind: "content", text: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }) });
    }
  }
  const usage = openAiStyleUsage(request.provider, plan.usage);
  const finishExtra = request.provider === "moonshot" ? { usage } : {};
  events.push({ kind: "trailer", text: chunk({}, finishReason(plan), finishExtra) });
  if (withUsage) events.push({ kind: "trailer", text: sseData({ ...base, choices: [], usage }) });
  events.push({ kind: "trailer", text: sseData("[DONE]") });
  return events;
}

function validate(request: DialectRequest): string | null {
  const { body } = request;
  if (typeof body.model !== "string" || body.model.length === 0) return "you must provide a model parameter";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "'messages' must be a non-empty array";
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean")
    return "'stream' must be a boolean";
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  }
  return null;
}

/** The OpenAI chat completions dialect. */
export const openAiDialect: Dialect = {
  errorReply: (status, message) => ({ status, body: openAiErrorBody(status, message) }),
  checkAuth(headers) {
    const authorization = headers.authorization ?? "";
    if (/^Bearer\s+\S+/i.test(authorization)) return null;
    return {
      status: 401,
      body: openAiErrorBody(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      ),
    };
  },
  validate,
  model: (request) => String(request.body.model),
  isStream: (request) => request.body.stream === true,
  promptText: openAiPromptText,
  responseHeaders: (request) => ({ "x-request-id": `req_sim${request.requestNumber}` }),
  completionBody,
  streamEvents,
  streamErrorEvent: (status, message) => sseData(openAiErrorBody(status, message)),
  defaultStreamErrorStatus: 500,
};
