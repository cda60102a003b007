/**
 * The one Drizzle schema for omnizen's Postgres (Tokyo), shared by the worker and, as types only, by the SPA.
 *
 * Privacy invariant (policy 1.2): no table has a column that could hold prompt or response content. Usage rows
 * carry ids, model, token counts, cost and timings only; `schema.test.ts` enforces it by column name and type.
 * Money is integer micro-USD (1 USD = 1_000_000) in `bigint` columns read as JS numbers (exact below 2^53).
 */
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

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
    /** Stripe's Customer (`cus_...`) of this account, created at its first card checkout; deleted with the account. */
    stripeCustomerId: text("stripe_customer_id").unique(),
    /**
     * Auto top-up (billing): when the balance falls below the threshold, buy the pack once on the saved card.
     * Turned off after `AUTO_TOPUP.maxDeclines` declines in a row (catalog/billing-catalog.ts).
     */
    autoTopupEnabled: boolean("auto_topup_enabled").notNull().default(false),
    autoTopupThresholdMicroUsd: bigint("auto_topup_threshold_micro_usd", { mode: "number" }),
    /** The credit pack auto top-up buys (catalog/billing-catalog.ts `AUTO_TOPUP.packIds`). */
    autoTopupPackId: text("auto_topup_pack_id"),
    autoTopupDeclines: integer("auto_topup_declines").notNull().default(0),
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
    /** Optional spend limit of this key in micro-USD per `spend_limit_period` (null = none). */
    spendLimitMicroUsd: bigint("spend_limit_micro_usd", { mode: "number" }),
    /** `daily`, `weekly`, `monthly` (calendar periods in UTC) or `none` (a lifetime limit); null with no limit. */
    spendLimitPeriod: text("spend_limit_period"),
    /** After this instant the key is refused like a revoked one (null = never expires). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Per-key model aliases: an id the client sends (e.g. `claude-sonnet`) -> a catalog model id. */
    modelAliases: jsonb("model_aliases").$type<Record<string, string>>().notNull().default({}),
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
    /** The answer's finish reason in OpenAI's terms (`stop`, `length`, `tool_calls`, `content_filter`), if known. */
    finishReason: text("finish_reason"),
    /** The API the client spoke: `chat`, `messages`, `responses` or `embeddings` (null on rows from before 0009). */
    apiType: text("api_type"),
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

/**
 * One purchase attempt with a payment provider: a credit pack, a plan period (EPS) or a plan checkout (Stripe), or an
 * auto top-up. Holds our reference and the provider's references and amounts, never card or bank data (policy 1.3).
 * Kept, anonymised, when the account is deleted: accounting law requires the record of a sale (docs/billing.md).
 */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id")
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    /** Null once the account is deleted or anonymised by retention. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** `stripe` or `eps`. */
    provider: text("provider").notNull(),
    /** `pack`, `plan` or `auto_topup`. */
    purpose: text("purpose").notNull(),
    /** The pack's or plan's catalog id (catalog/billing-catalog.ts). */
    productId: text("product_id").notNull(),
    /** Our unique reference: the EPS merchant transaction id, or the id Stripe gets as metadata and idempotency key. */
    merchantReference: text("merchant_reference").notNull().unique(),
    /** The provider's reference: Stripe Checkout Session or PaymentIntent id, or the EPS transaction id. */
    providerReference: text("provider_reference"),
    /** Stripe's PaymentIntent id once known (refunds and disputes name it). */
    providerPaymentReference: text("provider_payment_reference"),
    /** Price in the currency's minor unit: US cents for `usd`, paisa for `bdt`. */
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    /** `usd` or `bdt`. */
    currency: text("currency").notNull(),
    /** Credit the payment grants once it succeeds (0 for a plan: its credit comes with each paid period). */
    creditMicroUsd: bigint("credit_micro_usd", { mode: "number" }).notNull().default(0),
    /** `pending`, `succeeded`, `failed`, `cancelled`, `refunded`, `partially_refunded` or `disputed`. */
    status: text("status").notNull().default("pending"),
    /** Minor units refunded so far (Stripe's `amount_refunded`). */
    refundedMinor: bigint("refunded_minor", { mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (table) => [
    index("payments_user_created_idx").on(table.userId, table.createdAt),
    index("payments_provider_reference_idx").on(table.provider, table.providerReference),
    index("payments_provider_payment_reference_idx").on(table.providerPaymentReference),
    index("payments_pending_idx")
      .on(table.provider, table.createdAt)
      .where(sql`status = 'pending'`),
  ],
);

/**
 * The append-only credit ledger: every change of an account's prepaid credit is one row with a unique reference, so
 * each effect happens once. `users.credit_balance_micro_usd` is the sum of an account's rows (kept in the same
 * transaction as each insert; the reconciliation job checks it). Usage debits come from the posting job in batches.
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Null once the account is deleted or anonymised (the row is kept for the accounts). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /**
     * `purchase` (a pack or an auto top-up), `plan_credit` (a paid plan period), `promotion`, `usage` (a posted batch),
     * `refund`, `dispute`, `dispute_reversal`, `adjustment` (manual) or `opening` (balances from before the ledger).
     */
    kind: text("kind").notNull(),
    /** Signed: grants are positive, debits negative. */
    amountMicroUsd: bigint("amount_micro_usd", { mode: "number" }).notNull(),
    /** What caused it, unique: `payment:<id>`, `invoice:<id>`, `usage:<user>:<first usage id>`, `refund:<id>`... */
    reference: text("reference").notNull().unique(),
    paymentId: uuid("payment_id").references(() => payments.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (table) => [index("credit_ledger_user_created_idx").on(table.userId, table.createdAt)],
);

/** A plan subscription: Stripe's (recurring) or a paid EPS period (renewed by a new payment). */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id")
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The plan id (catalog/plans.ts). */
    plan: text("plan").notNull(),
    /** `stripe` or `eps`. */
    provider: text("provider").notNull(),
    /** Stripe's subscription id (`sub_...`), or for EPS the merchant reference of the payment that opened it. */
    externalId: text("external_id").notNull().unique(),
    /** `active`, `past_due`, `unpaid`, `canceled`, `incomplete` or `expired`. */
    status: text("status").notNull(),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** When it ended; starts the retention clock of policy 4.3 (users.cancelled_at). */
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    /** Past due: the plan holds until then, then the account falls back to free. */
    graceUntil: timestamp("grace_until", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("subscriptions_user_created_idx").on(table.userId, table.createdAt)],
);

/** Stripe webhook events applied, by id (never the payload): each is applied once, in its effect's transaction. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type UsageEvent = typeof usageEvents.$inferSelect;
export type NewUsageEvent = typeof usageEvents.$inferInsert;
export type RequestLog = typeof requestLogs.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type CreditLedgerEntry = typeof creditLedger.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;
