ALTER TABLE "api_keys" ADD COLUMN "requests_per_minute_limit" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "tokens_per_minute_limit" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "concurrent_requests_limit" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "prompt_cache_enabled" boolean DEFAULT true NOT NULL;