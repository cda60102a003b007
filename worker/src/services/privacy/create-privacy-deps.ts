import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../db/client.ts";
import type { Config } from "../../env.ts";
import { clerkBackendApiFromConfig } from "./clerk-user-deletion.ts";
import type { PrivacyDeps } from "./privacy-deps.ts";

/**
 * Deletion's and retention's dependencies from the validated config, over the caller's database and Redis.
 * The payment-customer hook stays null until billing provides one.
 */
export function createPrivacyDeps(config: Config, db: Database, redis: Redis): PrivacyDeps {
  return { db, redis, clerk: clerkBackendApiFromConfig(config), paymentCustomers: null };
}
