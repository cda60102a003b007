CREATE INDEX "usage_events_user_created_id_idx" ON "usage_events" USING btree ("user_id","created_at","id","model","api_key_id","status","prompt_tokens","completion_tokens","cached_tokens","reasoning_tokens","cost_micro_usd");--> statement-breakpoint
CREATE INDEX "usage_events_user_model_created_id_idx" ON "usage_events" USING btree ("user_id","model","created_at","id");--> statement-breakpoint
CREATE INDEX "usage_events_user_not_ok_created_id_idx" ON "usage_events" USING btree ("user_id","created_at","id") WHERE status <> 'ok';--> statement-breakpoint
CREATE INDEX "usage_events_api_key_created_id_idx" ON "usage_events" USING btree ("api_key_id","created_at","id");--> statement-breakpoint
DROP INDEX "usage_events_user_created_idx";--> statement-breakpoint
DROP INDEX "usage_events_api_key_idx";--> statement-breakpoint
-- Not in the Drizzle snapshot (drizzle-kit does not model statistics): the number of (UTC day, model, key) groups,
-- so the usage summary's planner estimates its aggregate better (services/usage/usage-queries.ts).
CREATE STATISTICS IF NOT EXISTS "usage_events_day_model_key_stats" (ndistinct) ON ((created_at AT TIME ZONE 'UTC')::date), model, api_key_id FROM "usage_events";
