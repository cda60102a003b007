/**
 * The Gemini dialect: `POST /v1beta/models/{model}:generateContent` (one GenerateContentResponse),
 * `:streamGenerateContent?alt=sse` (each `data:` a full GenerateContentResponse chunk, no [DONE]) and
 * `:streamGenerateContent` without `alt=sse` (a JSON array of the same chunks), and `:countTokens` (`{contents}` or
 * `{generateContentRequest}`, answered `{totalTokens, promptTokensDetails}`; https://ai.google.dev/api/tokens).
 * Intermediate chunks carry a partial `usageMetadata` (prompt counts only); the last chunk has `finishReason`
 * and the complete usage, so a client must keep the last one.
 */
import type { CompletionPlan, PlannedUsage } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonObject, StreamEvent } from "./dialect.ts";
import { sseData } from "./http-utils.ts";
import { geminiPromptText } from "./prompt-text.ts";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  402: "FAILED_PRECONDITION",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  408: "DEADLINE_EXCEEDED",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  504: "DEADLINE_EXCEEDED",
};

/** The Gemini error body `{"error":{"code","message","status"}}` for an HTTP status. */
export function geminiErrorBody(status: number, message: string): JsonObject {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? "UNAVAILABLE" : "INVALID_ARGUMENT");
  return { error: { code: status, message, status: name } };
}

const MODEL_PATTERN = /\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/** What a count request counts: its `generateContentRequest` (contents, system, tools), else the body itself. */
const countedBody = (body: JsonObject): JsonObject => {
  const inner = body.generateContentRequest;
  return inner && typeof inner === "object" && !Array.isArray(inner) ? (inner as JsonObject) : body;
};

const modelOf = (request: DialectRequest): string =>
  decodeURIComponent(MODEL_PATTERN.exec(request.url.pathname)?.[1] ?? "");

const isStreamMethod = (request: DialectRequest): boolean => request.url.pathname.endsWith(":streamGenerateContent");

function promptUsage(usage: PlannedUsage): JsonObject {
  return {
    promptTokenCount: usage.promptTokens,
    ...(usage.cachedTokens > 0 ? { cachedContentTokenCount: usage.cachedTokens } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.promptTokens }],
    ...(usage.cachedTokens > 0 ? { cacheTokensDetails: [{ modality: "TEXT", tokenCount: usage.cachedTokens }] } : {}),
  };
}

/** Complete usage: `totalTokenCount = promptTokenCount + candidatesTokenCount + thoughtsTokenCount`. */
function fullUsage(usage: PlannedUsage): JsonObject {
  return {
    ...promptUsage(usage),
    candidatesTokenCount: usage.visibleCompletionTokens,
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
    totalTokenCount: usage.promptTokens + usage.completionTokens,
  };
}

/** The content parts of the whole answer, or of each streamed chunk. */
function partsPerChunk(plan: CompletionPlan): JsonObject[][] {
  const chunks: JsonObject[][] = [];
  for (const piece of plan.reasoningChunks) chunks.push([{ text: piece, thought: true }]);
  for (const piece of plan.textChunks) chunks.push([{ text: piece }]);
  if (plan.toolCall) {
    chunks.push([{ functionCall: { name: plan.toolCall.name, args: JSON.parse(plan.toolCall.argumentsJson) } }]);
  }
  return chunks;
}

function responseChunks(plan: CompletionPlan, request: DialectRequest): JsonObject[] {
  const all = partsPerChunk(plan);
  return all.map((parts, index) => {
    const last = index === all.length - 1;
    const candidate: JsonObject = { content: { parts, role: "model" }, index: 0 };
    if (last) candidate.finishReason = "STOP";
    return {
      candidates: [candidate],
      usageMetadata: last
        ? fullUsage(plan.usage)
        : { ...promptUsage(plan.usage), totalTokenCount: plan.usage.promptTokens },
      modelVersion: plan.model,
      responseId: `sim${request.requestNumber}`,
    };
  });
}

function completionBody(plan: CompletionPlan, request: DialectRequest): unknown {
  if (request.operation === "count_tokens") {
    return {
      totalTokens: plan.usage.promptTokens,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: plan.usage.promptTokens }],
    };
  }
  if (isStreamMethod(request)) return responseChunks(plan, request);
  const parts: JsonObject[] = [];
  if (plan.reasoning !== null) parts.push({ text: plan.reasoning, thought: true });
  if (plan.text !== null) parts.push({ text: plan.text });
  if (plan.toolCall)
    parts.push({ functionCall: { name: plan.toolCall.name, args: JSON.parse(plan.toolCall.argumentsJson) } });
  return {
    candidates: [{ content: { parts, role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: fullUsage(plan.usage),
    modelVersion: plan.model,
    responseId: `sim${request.requestNumber}`,
  };
}

/** The Gemini dialect. */
export const geminiDialect: Dialect = {
  errorReply: (status, message) => ({ status, body: geminiErrorBody(status, message) }),
  checkAuth(headers, url) {
    const key = headers["x-goog-api-key"];
    if ((typeof key === "string" && key.length > 0) || url.searchParams.get("key")) return null;
    return {
      status: 401,
      body: geminiErrorBody(
        401,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      ),
    };
  },
  validate(request) {
    if (modelOf(request).length === 0) return "model is required in the path";
    const contents = countedBody(request.body).contents;
    if (!Array.isArray(contents) || contents.length === 0)
      return "* GenerateContentRequest.contents: contents is not specified";
    return null;
  },
  model: modelOf,
  isStream: (request) => isStreamMethod(request) && request.url.searchParams.get("alt") === "sse",
  promptText: (body) => geminiPromptText(countedBody(body)),
  responseHeaders: () => ({}),
  completionBody,
  streamEvents: (plan, request): StreamEvent[] =>
    responseChunks(plan, request).map((chunk) => ({ kind: "content", text: sseData(chunk) })),
  streamErrorEvent: (status, message) => sseData(geminiErrorBody(status, message)),
  defaultStreamErrorStatus: 500,
};
