/**
 * One simulated completion exchange, dialect-independent: auth → JSON parse → validation → directives → plan →
 * `stall_ms` → `error` → JSON answer or SSE stream (with faults).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { planCompletion } from "./completion-plan.ts";
import type { Dialect, DialectRequest, JsonReply, ProviderName } from "./dialect.ts";
import { SIMULATED_ERROR_TEXTS, parseDirectives } from "./directives.ts";
import { sendJson, sleep, waitForAbort } from "./http-utils.ts";
import { declaredToolNames, endsWithToolResult, requestedToolChoice } from "./prompt-text.ts";
import type { AuthSummary, RequestLog, RequestLogEntry } from "./request-log.ts";
import { writeEventStream } from "./stream-writer.ts";

/** Everything one exchange needs. */
export interface ExchangeContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  body: Buffer;
  provider: ProviderName;
  dialect: Dialect;
  operation: DialectRequest["operation"];
  requestNumber: number;
  requestLog: RequestLog;
  /** Aborts when the client goes away or the server closes. */
  signal: AbortSignal;
}

/** What happened, for the one-line access log. */
export interface ExchangeResult {
  entry: RequestLogEntry;
  bytesOut: number;
}

function authSummary(request: IncomingMessage, url: URL): AuthSummary | null {
  const { authorization } = request.headers;
  if (authorization)
    return { header: "authorization", credential_length: authorization.replace(/^Bearer\s+/i, "").length };
  const apiKey = request.headers["x-api-key"];
  if (typeof apiKey === "string") return { header: "x-api-key", credential_length: apiKey.length };
  const googleKey = request.headers["x-goog-api-key"];
  if (typeof googleKey === "string") return { header: "x-goog-api-key", credential_length: googleKey.length };
  const queryKey = url.searchParams.get("key");
  return queryKey === null ? null : { header: "query:key", credential_length: queryKey.length };
}

function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Runs one exchange and answers it. */
export async function runExchange(context: ExchangeContext): Promise<ExchangeResult> {
  const { request, response, url, dialect, signal } = context;
  const version = request.headers["anthropic-version"];
  const beta = request.headers["anthropic-beta"];
  const entry = context.requestLog.add({
    provider: context.provider,
    method: request.method ?? "",
    path: url.pathname,
    model: null,
    stream: false,
    stream_options: null,
    auth: authSummary(request, url),
    anthropic_version: typeof version === "string" ? version : null,
    anthropic_beta: typeof beta === "string" ? beta : null,
    body_bytes: context.body.length,
    status: null,
    usage: null,
    outcome: null,
    client_closed_at: null,
  });
  // The moment the client hung up, for tests that measure how fast a gateway aborts its upstream call.
  response.once("close", () => {
    if (!response.writableFinished && entry.outcome !== "disconnected") entry.client_closed_at ??= Date.now();
    // With `time`, when the upstream call was in flight (tests count calls in flight at once across gateways).
    entry.finished_at = Date.now();
  });
  const reply = (answer: JsonReply, extraHeaders: Record<string, string> = {}): ExchangeResult => {
    entry.status = answer.status;
    entry.outcome = answer.status < 400 ? "completed" : "error";
    const bytesOut = sendJson(response, answer.status, answer.body, { ...answer.headers, ...extraHeaders });
    return { entry, bytesOut };
  };

  const authFailure = dialect.checkAuth(request.headers, url);
  if (authFailure) return reply(authFailure);
  const body = parseJsonObject(context.body);
  if (!body) return reply(dialect.errorReply(400, "The request body is not valid JSON (or not a JSON object)."));
  entry.body = body;
  const dialectRequest: DialectRequest = {
    provider: context.provider,
    url,
    headers: request.headers,
    body,
    requestNumber: context.requestNumber,
    operation: context.operation,
  };
  const headers = dialect.responseHeaders(dialectRequest);
  const invalid = dialect.validate(dialectRequest);
  if (invalid) return reply(dialect.errorReply(400, invalid), headers);
  const model = dialect.model(dialectRequest);
  const stream = dialect.isStream(dialectRequest);
  Object.assign(entry, { model, stream, stream_options: body.stream_options ?? null });

  const prompt = dialect.promptText(body);
  const parsed = parseDirectives(request.headers, prompt.messageTexts);
  if (!parsed.ok) return reply(dialect.errorReply(400, parsed.message), headers);
  // The request's tool choice wins over the prompt's `tool` directive, as the real APIs force or forbid tool calls.
  const choice = requestedToolChoice(body);
  // A `tool` marker still in the history does not call the tool again once its result is back (an `x-sim-tool`
  // header still does): the agent's next turn gets text.
  const answered = endsWithToolResult(body) && request.headers["x-sim-tool"] === undefined;
  const fromPrompt = answered ? { ...parsed.directives, tool: undefined } : parsed.directives;
  const directives =
    choice.kind === "none"
      ? { ...fromPrompt, tool: undefined }
      : choice.kind === "tool"
        ? { ...fromPrompt, tool: choice.name }
        : fromPrompt;
  const plan = planCompletion(model, directives, prompt, declaredToolNames(body));
  if ("error" in plan) return reply(dialect.errorReply(400, plan.error), headers);

  await sleep(directives.stall_ms, signal);
  if (signal.aborted) {
    entry.outcome = "client_closed";
    return { entry, bytesOut: 0 };
  }
  if (directives.error !== undefined && directives.error_after === undefined && consumeError(directives)) {
    const retryAfter = directives.retry_after ?? (directives.error === 429 ? 1 : undefined);
    const retryHeaders: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
    const message = directives.error_text
      ? SIMULATED_ERROR_TEXTS[directives.error_text]
      : `Simulated error (status ${directives.error}).`;
    return reply(dialect.errorReply(directives.error, message), { ...headers, ...retryHeaders });
  }
  entry.usage = {
    prompt_tokens: plan.usage.promptTokens,
    cached_tokens: plan.usage.cachedTokens,
    cache_write_tokens: plan.usage.cacheWriteTokens,
    // Embeddings generate nothing: the plan's reply is never sent.
    completion_tokens: context.operation === "embeddings" ? 0 : plan.usage.completionTokens,
    reasoning_tokens: plan.usage.reasoningTokens,
  };
  if (!stream || context.operation === "count_tokens") {
    if (directives.stall_body === 1) {
      entry.status = 200;
      response.writeHead(200, { "content-type": "application/json", ...headers });
      response.flushHeaders();
      await waitForAbort(signal);
      entry.outcome = "client_closed";
      return { entry, bytesOut: 0 };
    }
    if (directives.stall_after !== undefined) {
      await waitForAbort(signal);
      entry.outcome = "client_closed";
      return { entry, bytesOut: 0 };
    }
    if (directives.disconnect_after !== undefined) {
      response.socket?.destroy();
      entry.outcome = "disconnected";
      return { entry, bytesOut: 0 };
    }
    return reply({ status: 200, body: dialect.completionBody(plan, dialectRequest) }, headers);
  }

  entry.status = 200;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
  response.flushHeaders();
  const status = directives.error ?? dialect.defaultStreamErrorStatus;
  const result = await writeEventStream(response, dialect.streamEvents(plan, dialectRequest), {
    delayMs: directives.delay_ms,
    stallAfter: directives.stall_after,
    disconnectAfter: directives.disconnect_after,
    errorAfter: directives.error_after,
    fragmentBytes: directives.fragment,
    dripMs: directives.drip_ms,
    malformedAfter: directives.malformed_after,
    trailerDelayMs: directives.trailer_delay_ms,
    errorEvent: dialect.streamErrorEvent(status, `Simulated in-stream error (status ${status}).`, dialectRequest, plan),
    signal,
  });
  entry.outcome = result.outcome;
  return { entry, bytesOut: result.bytes };
}

/** Requests seen per nonce, for `error_times`: the first N with a nonce fail, later ones succeed. */
const errorsByNonce = new Map<string, number>();

function consumeError(directives: { error_times?: number | undefined; nonce?: string | undefined }): boolean {
  if (directives.error_times === undefined) return true;
  const key = directives.nonce ?? "";
  const seen = errorsByNonce.get(key) ?? 0;
  errorsByNonce.set(key, seen + 1);
  return seen < directives.error_times;
}
