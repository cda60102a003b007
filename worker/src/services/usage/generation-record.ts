/**
 * One request's usage row as `GET /v1/generation` shows it (contracts/generation-api.ts): read from Postgres by request
 * id within the caller's account only, so another account's id looks exactly like an unknown one. The cost parts are
 * recomputed from the row's tokens at the price it was billed at (its `price_version`); where that price is no longer
 * the catalog's, or the parts would not add up to the billed total, they are null rather than a guess.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { usageEvents, type UsageEvent } from "../../../../db/schema.ts";
import { findModel } from "../../catalog/models.ts";
import { computeCost, priceAt } from "../../catalog/pricing.ts";
import type { Generation } from "../../contracts/generation-api.ts";
import { usageCostFields, type RequestCost } from "../../lib/cost.ts";
import { normalizeFinishReason } from "../../lib/finish-reason.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { cacheHitCost } from "../hot-path/reservation.ts";

const API_TYPES = ["chat", "messages", "responses", "embeddings"] as const;
const STATUSES = ["ok", "error", "cancelled"] as const;

/** The caller's usage row for `requestId`, or null (unknown, another account's, or not yet drained). */
export async function findGeneration(db: Database, userId: string, requestId: string): Promise<Generation | null> {
  const rows = await db
    .select()
    .from(usageEvents)
    .where(and(eq(usageEvents.requestId, requestId), eq(usageEvents.userId, userId)))
    .limit(1);
  const row = rows[0];
  return row ? toGeneration(row) : null;
}

export function toGeneration(row: UsageEvent): Generation {
  const usage = usageOf(row);
  const promptTokens = usage.inputUncached + usage.cacheRead + usage.cacheWrite;
  const parts = billedParts(row, usage);
  return {
    id: row.requestId,
    model: row.model,
    provider_name: row.provider,
    api_type: API_TYPES.find((type) => type === row.apiType) ?? null,
    streamed: row.stream,
    cancelled: row.status === "cancelled",
    created_at: row.createdAt.toISOString(),
    tokens_prompt: promptTokens,
    tokens_completion: usage.output,
    native_tokens_prompt: promptTokens,
    native_tokens_completion: usage.output,
    native_tokens_reasoning: usage.reasoning,
    native_tokens_cached: usage.cacheRead,
    native_tokens_cache_write: usage.cacheWrite,
    total_cost: row.costMicroUsd / 1_000_000,
    cost_details: parts ? usageCostFields(parts).cost_details : null,
    cache_hit: row.cacheHit,
    latency: row.latencyMs,
    time_to_first_token: row.timeToFirstTokenMs,
    finish_reason: normalizeFinishReason(row.finishReason),
    status: STATUSES.find((status) => status === row.status) ?? "error",
    http_status: row.httpStatus,
    usage_source: row.usageSource === "estimated" ? "estimated" : "reported",
  };
}

function usageOf(row: UsageEvent): NormalizedUsage {
  return {
    inputUncached: row.promptTokens,
    cacheRead: row.cachedTokens,
    cacheWrite: row.cacheWriteTokens,
    cacheWrite1h: row.cacheWrite1hTokens,
    output: row.completionTokens,
    reasoning: row.reasoningTokens,
    source: row.usageSource === "estimated" ? "estimated" : "provider",
  };
}

/** The parts of what the row was billed, when its price is still known and they give its total; else null. */
function billedParts(row: UsageEvent, usage: NormalizedUsage): RequestCost | null {
  const model = findModel(row.model);
  if (!model) return null;
  const price = priceAt(model, row.createdAt);
  if (price.version !== row.priceVersion) return null;
  const cost = row.cacheHit ? cacheHitCost(usage, model, price) : computeCost(usage, price);
  return cost.microUsd === row.costMicroUsd ? cost : null;
}
