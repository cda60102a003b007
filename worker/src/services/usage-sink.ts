/**
 * Writes one routed request's usage row and operational-log row in ONE statement, idempotent on the request id
 * (a retry never writes twice). It updates no shared row: the cost is folded into the account balance later by the
 * settlement cron (worker/src/cron/settle-usage.ts), so concurrent requests of one account never queue on a lock.
 * Called from `waitUntil`, after the response; never on the hot path.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import type { NewRequestLog, NewUsageEvent } from "../../../db/schema.ts";

export async function recordUsage(db: Database, event: NewUsageEvent, log: NewRequestLog): Promise<boolean> {
  const result = await db.execute(sql`
    WITH inserted AS (
      INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, prompt_tokens, completion_tokens,
        cached_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, price_version, usage_source, status,
        http_status, cache_hit, stream, latency_ms, time_to_first_token_ms)
      VALUES (${event.requestId}, ${event.userId ?? null}, ${event.apiKeyId ?? null}, ${event.model}, ${event.provider},
        ${event.promptTokens ?? 0}, ${event.completionTokens ?? 0}, ${event.cachedTokens ?? 0}, ${event.cacheWriteTokens ?? 0},
        ${event.reasoningTokens ?? 0}, ${event.costMicroUsd ?? 0}, ${event.priceVersion}, ${event.usageSource ?? "provider"},
        ${event.status}, ${event.httpStatus}, ${event.cacheHit ?? false}, ${event.stream ?? false}, ${event.latencyMs},
        ${event.timeToFirstTokenMs ?? null})
      ON CONFLICT (request_id) DO NOTHING
      RETURNING request_id
    )
    INSERT INTO request_logs (request_id, user_id, ip, user_agent, method, path, status)
    SELECT request_id, ${log.userId ?? null}, ${log.ip ?? null}, ${log.userAgent ?? null}, ${log.method}, ${log.path}, ${log.status}
    FROM inserted
    RETURNING request_id`);
  return result.rows.length > 0;
}
