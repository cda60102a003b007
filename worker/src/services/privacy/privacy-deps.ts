/**
 * What account deletion and retention need: the two stores, and the external systems that hold the account too.
 * Built per request (or per cron run) by `createPrivacyDeps`; tests build it directly.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../db/client.ts";
import type { ClerkBackendApi } from "./clerk-user-deletion.ts";

export type PaymentCustomerErasure = "deleted" | "already-gone";

/**
 * Billing's hook: removes the account's customer record at the payment providers (Stripe customer; EPS
 * keeps none). Must be idempotent and treat "no such customer" as `already-gone`; throws when the provider failed.
 */
export interface PaymentCustomerEraser {
  eraseCustomer(userId: string): Promise<PaymentCustomerErasure>;
}

export interface PrivacyDeps {
  db: Database;
  redis: Redis;
  /** Null when no Clerk secret is configured (local development): the Clerk step is skipped. */
  clerk: ClerkBackendApi | null;
  /** Null until billing exists: the step is skipped. */
  paymentCustomers: PaymentCustomerEraser | null;
}
