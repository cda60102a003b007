/**
 * Requests for the multi-gateway tests: one billed chat completion (DeepSeek Flash on the provider simulator, a unique
 * prompt so the prompt cache never answers it, simulator directives in the prompt), sent to one gateway process and
 * summed up as what a client sees (status, OpenAI error type and code, Retry-After, when). Also what the simulator saw:
 * how many upstream calls were in flight at once. Ids and sizes only; no content is printed.
 */
import { findModel } from "../../worker/src/catalog/models.ts";
import { priceAt } from "../../worker/src/catalog/pricing.ts";
import type { ChatCompletionRequest } from "../../worker/src/lib/openai-types.ts";
import { reservationMicroUsd } from "../../worker/src/services/hot-path/reservation.ts";
import type { GatewayRuntime } from "../bench/gateway-runtime.ts";

export const MODEL = "deepseek/deepseek-flash";

/** What one request came to. */
export interface Outcome {
  /** Which gateway process answered. */
  gateway: number;
  status: number;
  /** `error.type` and `error.code` of an error answer (OpenAI's shape), else null. */
  errorType: string | null;
  errorCode: string | null;
  retryAfter: string | null;
  /** Epoch ms: sent, and answered (body read). */
  sentAt: number;
  doneAt: number;
}

export interface ChatOptions {
  /** Simulator directives, e.g. `stall_ms=400 words=100` (README of local/provider-sim). */
  directives?: string;
  /** `max_tokens` (sets the reservation); default 64. */
  maxTokens?: number;
  /** A tag for the unique prompt (no content of interest: a counter). */
  tag: string;
}

let requestNumber = 0;

/** The request body of {@link chat}. */
export function chatBody(options: ChatOptions): ChatCompletionRequest {
  requestNumber += 1;
  const directives = options.directives ? ` [[sim ${options.directives}]]` : "";
  return {
    model: MODEL,
    max_tokens: options.maxTokens ?? 64,
    messages: [{ role: "user", content: `Bounds ${options.tag} #${requestNumber}${directives}` }],
  } as ChatCompletionRequest;
}

/**
 * The largest reservation a {@link chatBody} with these options takes (docs/credit.md "The reservation"), at the
 * prices in force now or at `until` (a time-of-day band may change in between).
 */
export function largestReservationMicroUsd(options: Omit<ChatOptions, "tag">, until = new Date()): number {
  const model = findModel(MODEL);
  if (!model) throw new Error(`${MODEL} is not in the catalog`);
  // The longest prompt the counter gives in this run (a request number of 9 digits).
  const body = chatBody({ ...options, tag: "x".repeat(32) });
  const message = body.messages[0];
  if (message) message.content = `${String(message.content)}999999999`;
  return Math.max(...[new Date(), until].map((at) => reservationMicroUsd(body, model, priceAt(model, at))));
}

/** Sends one chat completion with `apiKey` to gateway `index`. */
export async function chat(
  gateways: readonly GatewayRuntime[],
  index: number,
  apiKey: string,
  options: ChatOptions,
): Promise<Outcome> {
  const gateway = gateways[index % gateways.length];
  if (!gateway) throw new Error("no gateway");
  const sentAt = Date.now();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(chatBody(options)),
  });
  const text = await response.text();
  let errorType: string | null = null;
  let errorCode: string | null = null;
  if (!response.ok) {
    try {
      const parsed = JSON.parse(text) as { error?: { type?: unknown; code?: unknown } };
      errorType = typeof parsed.error?.type === "string" ? parsed.error.type : null;
      errorCode = typeof parsed.error?.code === "string" ? parsed.error.code : null;
    } catch {
      // not OpenAI's error shape: type and code stay null, and the test says so
    }
  }
  return {
    gateway: index % gateways.length,
    status: response.status,
    errorType,
    errorCode,
    retryAfter: response.headers.get("retry-after"),
    sentAt,
    doneAt: Date.now(),
  };
}

/** Counts outcomes by status. */
export function statuses(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

/** One call the simulator logged (GET /_sim/requests): when it arrived and when it ended. */
export interface SimulatorCall {
  time: string;
  finished_at: number | null;
  status: number | null;
}

/** The calls the simulator logged since it was last cleared. */
export async function simulatorCalls(simulatorUrl: string): Promise<SimulatorCall[]> {
  const response = await fetch(`${simulatorUrl}/_sim/requests`);
  return ((await response.json()) as { requests: SimulatorCall[] }).requests;
}

export async function clearSimulatorCalls(simulatorUrl: string): Promise<void> {
  await (await fetch(`${simulatorUrl}/_sim/requests`, { method: "DELETE" })).arrayBuffer();
}

/** The most calls in flight at once (an end at the same millisecond as a start counts first). */
export function peakInFlight(calls: readonly SimulatorCall[]): number {
  const events = calls.flatMap((call) => [
    { at: Date.parse(call.time), step: 1 },
    { at: call.finished_at ?? Number.POSITIVE_INFINITY, step: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let current = 0;
  let peak = 0;
  for (const event of events) {
    current += event.step;
    peak = Math.max(peak, current);
  }
  return peak;
}

/** The one-minute window of the rate limits (fixed windows, lua-scripts.ts) an instant falls in. */
export const minuteWindow = (at: number): number => Math.floor(at / 60_000);

/**
 * Waits, if needed, until at least `neededMs` of the current minute window is left, so that what a test does next
 * falls in one window. Setup, not an assertion: the tests assert on what the gateways answered.
 */
export async function withinOneWindow(neededMs: number): Promise<number> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return minuteWindow(Date.now());
}
