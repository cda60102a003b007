/** The contract each wire dialect (OpenAI chat completions and Responses, Anthropic messages, Gemini) implements. */
import type { IncomingHttpHeaders } from "node:http";
import type { CompletionPlan } from "./completion-plan.ts";
import type { PromptText } from "./prompt-text.ts";

/** Providers the simulator stands in for (`litellm`: a self-hosted LiteLLM proxy in front of them). */
export type ProviderName =
  "openai" | "deepseek" | "zai" | "qwen" | "minimax" | "moonshot" | "anthropic" | "gemini" | "litellm";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** A request as a dialect sees it. */
export interface DialectRequest {
  provider: ProviderName;
  url: URL;
  headers: IncomingHttpHeaders;
  body: JsonObject;
  /** Unique per request, e.g. for ids. */
  requestNumber: number;
  /** What is asked: a completion, (Anthropic) only a prompt token count, or embeddings (embedding-dialects.ts). */
  operation: "completion" | "count_tokens" | "embeddings";
}

/** A full HTTP answer (status, JSON body, extra headers). */
export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One SSE message ready to write. `structure` events (opening, block start/stop) are always sent; `content` events
 * carry reply, reasoning or tool-argument pieces and are what `delay_ms`, `stall_after`, `disconnect_after` and
 * `error_after` count; `trailer` events (finish, usage, end markers) come after the content.
 */
export interface StreamEvent {
  text: string;
  kind: "structure" | "content" | "trailer";
}

/** A wire dialect. */
export interface Dialect {
  /** The error shape of this dialect for an HTTP status. */
  errorReply(status: number, message: string): JsonReply;
  /** Null when the request carries this dialect's credentials, else the 401 (or 400) reply. */
  checkAuth(headers: IncomingHttpHeaders, url: URL): JsonReply | null;
  /** Null when the body is acceptable, else a message for a 400. */
  validate(request: DialectRequest): string | null;
  model(request: DialectRequest): string;
  isStream(request: DialectRequest): boolean;
  promptText(body: JsonObject): PromptText;
  /** Extra headers on every answer (e.g. a request id). */
  responseHeaders(request: DialectRequest): Record<string, string>;
  /** The non-streaming answer body. */
  completionBody(plan: CompletionPlan, request: DialectRequest): unknown;
  /** The SSE messages of a streaming answer, in order. */
  streamEvents(plan: CompletionPlan, request: DialectRequest): StreamEvent[];
  /** An error sent inside an already started stream (the `error_after` directive). */
  streamErrorEvent(status: number, message: string, request: DialectRequest, plan: CompletionPlan): string;
  /** Status used for `error_after` when no `error` directive is given. */
  defaultStreamErrorStatus: number;
}
