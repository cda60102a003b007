ALTER TABLE "users" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "request_logs_user_created_idx" ON "request_logs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_events_api_key_idx" ON "usage_events" USING btree ("api_key_id");--> statement-breakpoint
CREATE INDEX "users_cancelled_at_idx" ON "users" USING btree ("cancelled_at") WHERE cancelled_at IS NOT NULL;