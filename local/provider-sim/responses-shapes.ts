/**
 * The objects of OpenAI's Responses API as the simulator sends them (openai 7.57 `resources/responses/responses.d.ts`):
 * the output items of a plan (reasoning, message, function_call), the `usage` object and the `Response` snapshot.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
import type { CompletionPlan, PlannedUsage } from "./completion-plan.ts";
import type { DialectRequest, JsonObject } from "./dialect.ts";

type Status = "in_progress" | "completed";

/** Ids of one response and its items, derived from the request number. */
export const responseIds = (request: DialectRequest) => ({
  response: `resp_sim${request.requestNumber}`,
  reasoning: `rs_sim${request.requestNumber}`,
  message: `msg_sim${request.requestNumber}`,
  functionCall: `fc_sim${request.requestNumber}`,
});

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Whether the request asks for a reasoning summary (`reasoning.summary` set): otherwise the summary is empty. */
export function wantsSummary(request: DialectRequest): boolean {
  const reasoning = request.body.reasoning;
  return typeof reasoning === "object" && reasoning !== null && typeof (reasoning as JsonObject).summary === "string";
}

/** Whether `include` asks for `reasoning.encrypted_content` (Codex always does, with `store: false`). */
export function wantsEncryptedReasoning(request: DialectRequest): boolean {
  return asArray(request.body.include).includes("reasoning.encrypted_content");
}

/** An opaque stand-in for OpenAI's encrypted reasoning state (base64 of a fixed marker and the ids). */
export const encryptedReasoning = (plan: CompletionPlan, request: DialectRequest): string =>
  Buffer.from(`sim-encrypted-reasoning:${plan.model}:${request.requestNumber}`, "utf8").toString("base64");

export function reasoningItem(plan: CompletionPlan, request: DialectRequest, status: Status): JsonObject {
  const done = status === "completed";
  const summary = done && wantsSummary(request) ? [{ type: "summary_text", text: plan.reasoning ?? "" }] : [];
  return {
    id: responseIds(request).reasoning,
    type: "reasoning",
    summary,
    ...(done && wantsEncryptedReasoning(request) ? { encrypted_content: encryptedReasoning(plan, request) } : {}),
  };
}

export function messageItem(plan: CompletionPlan, request: DialectRequest, status: Status): JsonObject {
  const content = status === "completed" ? [{ type: "output_text", text: plan.text ?? "", annotations: [] }] : [];
  return { id: responseIds(request).message, type: "message", role: "assistant", status, content };
}

export function functionCallItem(plan: CompletionPlan, request: DialectRequest, status: Status): JsonObject {
  return {
    id: responseIds(request).functionCall,
    type: "function_call",
    status,
    call_id: `call_${plan.toolCall?.idSuffix ?? ""}`,
    name: plan.toolCall?.name ?? "",
    arguments: status === "completed" ? (plan.toolCall?.argumentsJson ?? "") : "",
  };
}

/** The completed output items, in order: reasoning (when the plan has any), then the message or the function call. */
export function outputItems(plan: CompletionPlan, request: DialectRequest): JsonObject[] {
  const items: JsonObject[] = [];
  if (plan.reasoning !== null) items.push(reasoningItem(plan, request, "completed"));
  if (plan.text !== null) items.push(messageItem(plan, request, "completed"));
  if (plan.toolCall) items.push(functionCallItem(plan, request, "completed"));
  return items;
}

/**
 * `usage`: `input_tokens` counts every prompt token (cache reads and writes included), `output_tokens` includes
 * reasoning.
 */
export function responsesUsage(usage: PlannedUsage): JsonObject {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** The `Response` snapshot: `in_progress` (empty output, no usage) or `completed` (every item, usage). */
export function responseObject(
  plan: CompletionPlan,
  request: DialectRequest,
  createdAt: number,
  status: "in_progress" | "completed" | "failed",
  error: JsonObject | null = null,
): JsonObject {
  const { body } = request;
  const reasoning = typeof body.reasoning === "object" && body.reasoning !== null ? body.reasoning : {};
  return {
    id: responseIds(request).response,
    object: "response",
    created_at: createdAt,
    ...(status === "completed" ? { completed_at: Math.floor(Date.now() / 1000) } : {}),
    status,
    background: false,
    error,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model: plan.model,
    output: status === "completed" ? outputItems(plan, request) : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null, ...reasoning },
    service_tier: "default",
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    usage: status === "completed" ? responsesUsage(plan.usage) : null,
    user: null,
  };
}
