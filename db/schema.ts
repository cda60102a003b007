/**
 * The one Drizzle schema for omnizen's Postgres (Tokyo), shared by the worker and, as types only, by the SPA.
 *
 * Privacy invariant (policy 1.2): no table has a column that could hold prompt or response content. Usage rows
 * carry ids, model, token counts, cost and timings only; `schema.test.ts` enforces it by column name and type.
 * Money is integer micro-USD (1 USD = 1_000_000) in `bigint` columns read as JS numbers (exact below 2^53).
 */
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id")
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    /** Clerk's user id (`user_...`); null for the local development user until Clerk is wired. */
    clerkUserId: text("clerk_user_id").unique(),
    email: text("email"),
    name: text("name"),
    phone: text("phone"),
    plan: text("plan").notNull().default("free"),
    /**
     * Prepaid credit as of the last usage settlement. The account's balance is this minus the cost of its unsettled
     * usage rows (`accountBalanceSql`); the settlement cron folds those in, so a request never updates this row.
     */
    creditBalanceMicroUsd: bigint("credit_balance_micro_usd", { mode: "number" }).notNull().default(0),
    /** Policy 8: where this account's prompts may be processed (null = everywhere the catalog routes). */
    allowedJurisdictions: text("allowed_jurisdictions").array(),
    /** Prompt cache (policy 4.2) for this account's requests; on unless the user turns it off. */
    promptCacheEnabled: boolean("prompt_cache_enabled").notNull().default(true),
    /** Policy 7: the user confirmed being 13 or older. */
    ageConfirmedAt: timestamp("age_confirmed_at", { withTimezone: true }),
    /**
     * Clerk's `updated_at` of the newest profile (name, email, phone) applied to this row, from a webhook or a Backend
     * API answer. Webhooks are retried and may arrive out of order: an older one is skipped.
     */
    clerkUpdatedAt: timestamp("clerk_updated_at", { withTimezone: true }),
    /**
     * Policy 4.3: when the account was cancelled or its subscription ended without renewal (billing sets it, and
     * clears it on reactivation). 30 days later the retention cron anonymises the account
     * (worker/src/cron/retention.ts).
     */
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("users_cancelled_at_idx")
      .on(table.cancelledAt)
      .where(sql`cancelled_at IS NOT NULL`),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id")
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole secret; the secret itself is never stored. */
    keyHash: text("key_hash").notNull().unique(),
    /** Short display prefix such as `sk-omni-3fA9`, enough to recognise a key in a list. */
    prefix: text("prefix").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** Narrows the account's allowed jurisdictions for this key (null = the account's). */
    allowedJurisdictions: text("allowed_jurisdictions").array(),
    /** Lower the plan's fair-use limits for this key (null = the plan's). */
    requestsPerMinuteLimit: integer("requests_per_minute_limit"),
    tokensPerMinuteLimit: integer("tokens_per_minute_limit"),
    concurrentRequestsLimit: integer("concurrent_requests_limit"),
  },
  (table) => [index("api_keys_user_id_idx").on(table.userId)],
);

export const usageEvents = pgTable(
  "usage_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    requestId: text("request_id").notNull().unique(),
    /** Null once anonymised by retention (policy 4.3): the row then keeps no link to a person. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    model: text("model").notNull(),
    provider: text("provider").notNull(),
    /** Uncached input tokens. */
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    /** Input tokens read from the provider's prompt cache. */
    cachedTokens: integer("cached_tokens").notNull().default(0),
    /** Input tokens written to the provider's prompt cache (all TTLs). */
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    /** Of `cache_write_tokens`, those written with a 1-hour TTL (billed at the 1-hour write rate). */
    cacheWrite1hTokens: integer("cache_write_1h_tokens").notNull().default(0),
    /** Reasoning tokens (already included in completion tokens where the provider counts them so). */
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costMicroUsd: bigint("cost_micro_usd", { mode: "number" }).notNull().default(0),
    priceVersion: text("price_version").notNull(),
    /** `provider` when the numbers are the upstream's own, `estimated` when the gateway had to count. */
    usageSource: text("usage_source").notNull().default("provider"),
    /** `ok`, `error` or `cancelled`. */
    status: text("status").notNull(),
    httpStatus: integer("http_status").notNull(),
    cacheHit: boolean("cache_hit").notNull().default(false),
    stream: boolean("stream").notNull().default(false),
    latencyMs: integer("latency_ms").notNull(),
    /** False until the settlement cron folded this row's cost into users.credit_balance_micro_usd. */
    settled: boolean("settled").notNull().default(false),
    timeToFirstTokenMs: integer("time_to_first_token_ms"),
    createdAt: createdAt(),
  },
  (table) => [
    // The dashboard's usage reads (services/usage/usage-queries.ts), newest first and keyset-paged over
    // (created_at, id): one index per filter that narrows the rows, each ending in (created_at, id) so a page is a
    // range scan. Export, account deletion and retention read one account's rows through the first.
    // Plans at 1M rows: docs/benchmarks/2026-12-06-usage-queries.md. Migration 0007 also creates the extended
    // statistics `usage_events_day_model_key_stats` (ndistinct of UTC day, model, key) for the summary's aggregate.
    // Its trailing columns are what the summary sums, so the summary reads this index alone (an index-only scan):
    // Drizzle has no INCLUDE, and keys after the unique (created_at, id) change no order.
    index("usage_events_user_created_id_idx").on(
      table.userId,
      table.createdAt,
      table.id,
      table.model,
      table.apiKeyId,
      table.status,
      table.promptTokens,
      table.completionTokens,
      table.cachedTokens,
      table.reasoningTokens,
      table.costMicroUsd,
    ),
    index("usage_events_user_model_created_id_idx").on(table.userId, table.model, table.createdAt, table.id),
    // Failed and cancelled requests are few: the status filter's pages read them alone.
    index("usage_events_user_not_ok_created_id_idx")
      .on(table.userId, table.createdAt, table.id)
      .where(sql`status <> 'ok'`),
    index("usage_events_unsettled_idx")
      .on(table.userId)
      .where(sql`NOT settled`),
    // The key filter's pages; and deleting an API key sets its usage rows' api_key_id to null (account deletion,
    // retention): found by this index's leading column.
    index("usage_events_api_key_created_id_idx").on(table.apiKeyId, table.createdAt, table.id),
  ],
);

/** Operational log (policy 1.4): IP and user agent, deleted after 30 days by the retention cron. */
export const requestLogs = pgTable(
  "request_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    requestId: text("request_id").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index("request_logs_created_idx").on(table.createdAt),
    // Export, account deletion and retention read and delete one account's rows.
    index("request_logs_user_created_idx").on(table.userId, table.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type UsageEvent = typeof usageEvents.$inferSelect;
export type NewUsageEvent = typeof usageEvents.$inferInsert;
export type RequestLog = typeof requestLogs.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;
