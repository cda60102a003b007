/**
 * Builds the usage row and the operational-log row of a routed request as one queued record (JSON, no content:
 * ids, model, token counts, cost, timings, and for the 30-day log the IP and user agent). The lease flush script
 * queues it in Redis in the same round trip that settles the request; the usage drain writes queued records to
 * Postgres in batches (worker/src/cron/drain-usage.ts), so no request opens a Postgres connection.
 */
import type { FinishReason } from "../lib/finish-reason.ts";
import type { RequestMeta } from "../lib/request-meta.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { AuthenticatedKey } from "./hot-path/account-record.ts";

/** The API the client spoke (usage_events.api_type): the surface's, or `embeddings`. */
export type ApiType = "chat" | "messages" | "responses" | "embeddings";

export interface RequestRecord {
  modelId: string;
  /** The upstream provider, or `cache` for a prompt-cache hit. */
  provider: string;
  usage: NormalizedUsage;
  costMicroUsd: number;
  priceVersion: string;
  status: "ok" | "error" | "cancelled";
  httpStatus: number;
  stream: boolean;
  cacheHit: boolean;
  firstTokenAt: number | null;
  apiType: ApiType;
  /** The answer's finish reason in OpenAI's terms (lib/finish-reason.ts); null or absent when unknown. */
  finishReason?: FinishReason | null;
}

/** The queued record: column names of usage_events, plus the request_logs fields. */
export interface QueuedUsage {
  request_id: string;
  user_id: string;
  api_key_id: string;
  model: string;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
  cost_micro_usd: number;
  price_version: string;
  usage_source: string;
  status: string;
  http_status: number;
  cache_hit: boolean;
  stream: boolean;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  finish_reason: FinishReason | null;
  api_type: ApiType;
  created_at: string;
  ip: string | null;
  user_agent: string | null;
  method: string;
  path: string;
}

export function buildQueuedUsage(
  meta: RequestMeta,
  auth: Pick<AuthenticatedKey, "userId" | "keyId">,
  record: RequestRecord,
  endedAt = Date.now(),
): QueuedUsage {
  return {
    request_id: meta.requestId,
    user_id: auth.userId,
    api_key_id: auth.keyId,
    model: record.modelId,
    provider: record.provider,
    prompt_tokens: record.usage.inputUncached,
    completion_tokens: record.usage.output,
    cached_tokens: record.usage.cacheRead,
    cache_write_tokens: record.usage.cacheWrite,
    cache_write_1h_tokens: Math.min(record.usage.cacheWrite, record.usage.cacheWrite1h ?? 0),
    reasoning_tokens: record.usage.reasoning,
    cost_micro_usd: record.costMicroUsd,
    price_version: record.priceVersion,
    usage_source: record.usage.source,
    status: record.status,
    http_status: record.httpStatus,
    cache_hit: record.cacheHit,
    stream: record.stream,
    latency_ms: endedAt - meta.startedAt,
    time_to_first_token_ms: record.firstTokenAt === null ? null : record.firstTokenAt - meta.startedAt,
    finish_reason: record.finishReason ?? null,
    api_type: record.apiType,
    created_at: new Date(meta.startedAt).toISOString(),
    ip: meta.ip,
    user_agent: meta.userAgent,
    method: meta.method,
    path: meta.path,
  };
}
