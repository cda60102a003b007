/**
 * Writes usage records (the queued JSON form, ../request-recorder.ts QueuedUsage) to Postgres: one INSERT statement
 * for usage_events and request_logs together, idempotent on the request id (ON CONFLICT DO NOTHING; a request_logs
 * row is written only with a new usage row). Shared by the usage drain and by a settlement that could not reach
 * Upstash (../hot-path/durable-settlement.ts), so a record written both ways is stored once. Records of deleted
 * accounts are dropped (their rows must not come back); a key deleted meanwhile is recorded as null.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";

export async function insertUsageRecords(db: Database, records: readonly unknown[]): Promise<void> {
  if (records.length === 0) return;
  await db.execute(sql`
    WITH incoming AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(records)}::json) AS r(
        request_id text, user_id uuid, api_key_id uuid, model text, provider text, prompt_tokens int,
        completion_tokens int, cached_tokens int, cache_write_tokens int, cache_write_1h_tokens int, reasoning_tokens int,
        cost_micro_usd bigint, price_version text, usage_source text, status text, http_status int, cache_hit boolean, stream boolean,
        latency_ms int, time_to_first_token_ms int, created_at timestamptz, ip text, user_agent text, method text,
        path text, api_type text)
    ), live AS (
      SELECT incoming.*, (SELECT id FROM api_keys WHERE api_keys.id = incoming.api_key_id) AS live_key_id
      FROM incoming WHERE EXISTS (SELECT 1 FROM users WHERE users.id = incoming.user_id)
    ), inserted AS (
      INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, prompt_tokens, completion_tokens,
        cached_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, cost_micro_usd, price_version,
        usage_source, status, http_status, cache_hit, stream, latency_ms, time_to_first_token_ms, created_at, api_type)
      SELECT request_id, user_id, live_key_id, model, provider, prompt_tokens, completion_tokens, cached_tokens,
        -- Records queued before cache_write_1h_tokens existed have none: 0.
        cache_write_tokens, coalesce(cache_write_1h_tokens, 0), reasoning_tokens, cost_micro_usd, price_version,
        usage_source, status, http_status, cache_hit, stream, latency_ms, time_to_first_token_ms, created_at, api_type
      FROM live
      ON CONFLICT (request_id) DO NOTHING
      RETURNING request_id
    )
    INSERT INTO request_logs (request_id, user_id, ip, user_agent, method, path, status, created_at)
    SELECT live.request_id, live.user_id, live.ip, live.user_agent, live.method, live.path, live.http_status, live.created_at
    FROM live JOIN inserted USING (request_id)`);
}
