import type { Database } from "../../../../db/client.ts";
import type { Config } from "../../env.ts";
import { createRedis } from "../redis.ts";
import { clerkBackendApiFromConfig } from "./clerk-user-deletion.ts";
import type { PrivacyDeps } from "./privacy-deps.ts";

/**
 * Deletion's and retention's dependencies from the validated config, over a database the caller opened (and ends).
 * The payment-customer hook stays null until the billing issue provides one.
 */
export function createPrivacyDeps(config: Config, db: Database): PrivacyDeps {
  return { db, redis: createRedis(config), clerk: clerkBackendApiFromConfig(config), paymentCustomers: null };
}
