/**
 * The usage drain: moves queued usage records (Redis list, appended by the settlement script) into Postgres in
 * batches, one INSERT statement per batch for usage_events and request_logs together, idempotent on the request id.
 * Claim, insert, then release: a run that dies after claiming leaves the records in the draining list for the next
 * run, so nothing is lost and nothing is written twice. Records of accounts deleted meanwhile are dropped (their
 * rows must not come back); a key deleted meanwhile is recorded as null.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { DRAIN_CLAIM_SCRIPT, DRAIN_RELEASE_SCRIPT } from "../services/hot-path/admission-script.ts";
import { intArg, runScript } from "../services/hot-path/run-script.ts";

export const DRAIN_BATCH = 1_000;

/** Drains up to `maxBatches` batches; returns the number of records written (or already present). */
export async function drainUsage(redis: Redis, db: Database, maxBatches = 20, batchSize = DRAIN_BATCH): Promise<number> {
  let drained = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const items = await runScript<string[]>(redis, DRAIN_CLAIM_SCRIPT, [], [String(batchSize)]);
    if (items.length === 0) break;
    const records = items.flatMap((item) => {
      try {
        return [JSON.parse(item) as unknown];
      } catch {
        console.error(JSON.stringify({ event: "usage-record-unreadable", bytes: item.length }));
        return [];
      }
    });
    await insertRecords(db, records);
    await runScript<number>(redis, DRAIN_RELEASE_SCRIPT, [], drainedCosts(records));
    drained += items.length;
    if (items.length < batchSize) break;
  }
  return drained;
}

/** (user id, cost) pairs of the batch, one per account: what the release takes off each account's undrained usage. */
function drainedCosts(records: unknown[]): string[] {
  const costs = new Map<string, number>();
  for (const record of records) {
    if (typeof record !== "object" || record === null) continue;
    const { user_id: userId, cost_micro_usd: cost } = record as { user_id?: unknown; cost_micro_usd?: unknown };
    if (typeof userId !== "string" || typeof cost !== "number" || !Number.isSafeInteger(cost)) continue;
    costs.set(userId, (costs.get(userId) ?? 0) + cost);
  }
  return [...costs].flatMap(([userId, cost]) => [userId, intArg(cost)]);
}

async function insertRecords(db: Database, records: unknown[]): Promise<void> {
  if (records.length === 0) return;
  await db.execute(sql`
    WITH incoming AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(records)}::json) AS r(
        request_id text, user_id uuid, api_key_id uuid, model text, provider text, prompt_tokens int,
        completion_tokens int, cached_tokens int, cache_write_tokens int, cache_write_1h_tokens int, reasoning_tokens int,
        cost_micro_usd bigint, price_version text, usage_source text, status text, http_status int, cache_hit boolean, stream boolean,
        latency_ms int, time_to_first_token_ms int, created_at timestamptz, ip text, user_agent text, method text,
        path text)
    ), live AS (
      SELECT incoming.*, (SELECT id FROM api_keys WHERE api_keys.id = incoming.api_key_id) AS live_key_id
      FROM incoming WHERE EXISTS (SELECT 1 FROM users WHERE users.id = incoming.user_id)
    ), inserted AS (
      INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, prompt_tokens, completion_tokens,
        cached_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, cost_micro_usd, price_version,
        usage_source, status, http_status, cache_hit, stream, latency_ms, time_to_first_token_ms, created_at)
      SELECT request_id, user_id, live_key_id, model, provider, prompt_tokens, completion_tokens, cached_tokens,
        -- Records queued before cache_write_1h_tokens existed have none: 0.
        cache_write_tokens, coalesce(cache_write_1h_tokens, 0), reasoning_tokens, cost_micro_usd, price_version,
        usage_source, status, http_status, cache_hit, stream, latency_ms, time_to_first_token_ms, created_at
      FROM live
      ON CONFLICT (request_id) DO NOTHING
      RETURNING request_id
    )
    INSERT INTO request_logs (request_id, user_id, ip, user_agent, method, path, status, created_at)
    SELECT live.request_id, live.user_id, live.ip, live.user_agent, live.method, live.path, live.http_status, live.created_at
    FROM live JOIN inserted USING (request_id)`);
}
