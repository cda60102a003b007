ALTER TABLE "usage_events" ADD COLUMN "settled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "usage_events_unsettled_idx" ON "usage_events" USING btree ("user_id") WHERE NOT settled;--> statement-breakpoint
-- Rows written before this migration already had their cost deducted from the balance inline.
UPDATE "usage_events" SET "settled" = true;
