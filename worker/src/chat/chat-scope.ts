/**
 * What the chat pipeline knows of the HTTP request, as plain values: built once by the route (`chatScope`), so the
 * pipeline itself never reads the Hono context.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { ModelEntry, Price } from "../catalog/types.ts";
import type { Config } from "../env.ts";
import type { RequestCost } from "../lib/cost.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import type { RequestMeta } from "../lib/request-meta.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { Services } from "../services/request-services.ts";
import type { NativeForward } from "../surfaces/native-forward.ts";
import type { Surface } from "../surfaces/types.ts";
import type { CachePlan } from "./admission.ts";
import type { RequestFinisher } from "./request-finisher.ts";
import type { RoutingPlan } from "./routing-plan.ts";

export interface ChatScope {
  config: Config;
  services: Services;
  meta: RequestMeta;
  /** The caller's API key (well-formed, not yet verified) and its SHA-256. */
  apiKey: string;
  keyHash: string;
  /** The client's request headers (cache opt-out, betas). */
  headers: Headers;
  /** Aborts when the client hangs up. */
  clientSignal: AbortSignal | undefined;
  /** Keeps the request alive for work after the response. */
  waitUntil(work: Promise<unknown>): void;
}

export function chatScope(context: Context<AppEnv>): ChatScope {
  return {
    config: context.get("config"),
    services: context.get("services"),
    meta: context.get("meta"),
    apiKey: context.get("apiKey"),
    keyHash: context.get("keyHash"),
    headers: context.req.raw.headers,
    clientSignal: context.req.raw.signal,
    waitUntil: (work) => context.executionCtx.waitUntil(work),
  };
}

/** One admitted chat request, for the answer it gets (JSON, stream or cached replay). */
export interface ChatRun {
  scope: ChatScope;
  request: ChatCompletionRequest;
  surface: Surface;
  native: NativeForward | undefined;
  /** The model being tried or answering: the request's own, or a fallback model of `routing`. */
  model: ModelEntry;
  /** The answer's `model`: the id the client sent (a key alias stays the alias; the usage row has `model.id`), or a
   * fallback model's own id once it answers. */
  answerModelId: string;
  price: Price;
  /** The candidate models with their prices and reservations, and the request's routing preferences. */
  routing: RoutingPlan;
  stream: boolean;
  cache: CachePlan;
  finisher: RequestFinisher;
  /** The response headers so far (rate limits, request id, cache status). */
  headers: Record<string, string>;
  /** The prompt's serialized length, for an estimate when an upstream reports no usage; computed only then. */
  promptCharacters(): number;
  /** What the request is billed in micro-USD for this usage (the usage row's cost). */
  cost(usage: NormalizedUsage): number;
  /** The same, with its parts: what the answer reports (`usage.cost`). `cost(usage) === costOf(usage).microUsd`. */
  costOf(usage: NormalizedUsage): RequestCost;
}
