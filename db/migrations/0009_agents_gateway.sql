ALTER TABLE "api_keys" ADD COLUMN "model_aliases" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "finish_reason" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "api_type" text;