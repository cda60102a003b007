ALTER TABLE "api_keys" ADD COLUMN "allowed_jurisdictions" text[];--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "allowed_jurisdictions" text[];