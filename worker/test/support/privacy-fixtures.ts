/**
 * Test helpers for export, deletion and retention: accounts linked to a (fake) Clerk user, dashboard session tokens,
 * bulk rows, the schema-derived list of tables that hold a person's data, and a full look at Redis.
 */
import { env } from "cloudflare:test";
import { eq, is, sql } from "drizzle-orm";
import { PgTable, getTableConfig, type PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import * as schema from "../../../db/schema.ts";
import { loadConfig } from "../../src/env.ts";
import { hashApiKey } from "../../src/lib/api-key.ts";
import { createPrivacyDeps } from "../../src/services/privacy/create-privacy-deps.ts";
import { createRedis } from "../../src/services/redis.ts";
import type { PrivacyDeps } from "../../src/services/privacy/privacy-deps.ts";
import { appendLedgerEntry } from "../../src/services/billing/ledger.ts";
import { sessionToken } from "./dashboard.ts";
import { gatewayFetch, seedAccount, withDatabase, type SeedOptions } from "./gateway.ts";
import { testRedis } from "./stand-ins.ts";

export interface LinkedAccount {
  userId: string;
  keyId: string;
  apiKey: string;
  keyHash: string;
  clerkUserId: string;
  email: string;
}

/** A seeded account (user, one key, credit) whose row is linked to a Clerk user id and has a profile. */
export async function seedLinkedAccount(options: SeedOptions = {}): Promise<LinkedAccount> {
  const seeded = await seedAccount(options);
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  const clerkUserId = `user_privacy_${suffix}`;
  const email = `privacy-${suffix}@omnizen.test`;
  await withDatabase((db) =>
    db
      .update(schema.users)
      .set({ clerkUserId, email, name: "Privacy Test", phone: "+8801712345678" })
      .where(eq(schema.users.id, seeded.userId)),
  );
  return { ...seeded, keyHash: await hashApiKey(seeded.apiKey), clerkUserId, email };
}

/** `Authorization` for the dashboard API, with a session token signed the way local sign-in signs them. */
export async function sessionHeaders(clerkUserId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await sessionToken(clerkUserId)}` };
}

/** The worker's own privacy dependencies (Redis, Clerk fake) from the test bindings, over `db`. */
export function testPrivacyDeps(db: Database): PrivacyDeps {
  const config = loadConfig(env as object);
  return createPrivacyDeps(config, db, createRedis(config));
}

export interface UserDataTable {
  name: string;
  table: PgTable;
  /** Its columns with a foreign key to `users.id` (for `users` itself: `users.id`). */
  userColumns: PgColumn[];
}

const schemaTables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/**
 * From the Drizzle schema alone: `users`, and every table that references it directly or through another table of
 * the list (foreign keys, transitively), each with its direct `users.id` foreign-key columns.
 */
export function userDataTablesFromSchema(): UserDataTable[] {
  const found = new Map<string, UserDataTable>([
    ["users", { name: "users", table: schema.users, userColumns: [schema.users.id] }],
  ]);
  for (let grew = true; grew;) {
    grew = false;
    for (const table of schemaTables) {
      const config = getTableConfig(table);
      if (found.has(config.name)) continue;
      const references = config.foreignKeys.map((foreignKey) => foreignKey.reference());
      if (!references.some((reference) => found.has(getTableConfig(reference.foreignTable).name))) continue;
      const userColumns = references
        .filter(
          (reference) => reference.foreignTable === schema.users && reference.foreignColumns[0] === schema.users.id,
        )
        .flatMap((reference) => reference.columns);
      found.set(config.name, { name: config.name, table, userColumns });
      grew = true;
    }
  }
  return [...found.values()];
}

/** Rows referencing the account in every schema-derived table (any of its `users.id` columns). */
export async function rowsReferencingAccount(db: Database, userId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name, table, userColumns } of userDataTablesFromSchema()) {
    const matches = sql.join(
      userColumns.map((column) => sql`${column} = ${userId}`),
      sql` OR `,
    );
    const [row] = await db
      .select({ rows: sql<number>`count(*)::int` })
      .from(table)
      .where(sql`${matches}`);
    counts[name] = row?.rows ?? 0;
  }
  return counts;
}

/** Inserts `usageRows` usage rows and `logRows` operational-log rows for the account in two statements. */
export async function insertBulkRows(
  db: Database,
  account: { userId: string; keyId: string },
  counts: { usageRows: number; logRows: number; createdAt?: string },
): Promise<void> {
  const tag = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  // Groups of 7 rows share one created_at (microsecond precision), so pages split inside ties.
  const base = counts.createdAt ?? "2026-01-01T00:00:00.000001Z";
  await db.execute(sql`
    INSERT INTO usage_events (request_id, user_id, api_key_id, model, provider, prompt_tokens, completion_tokens,
      cost_micro_usd, price_version, status, http_status, latency_ms, settled, created_at)
    SELECT 'req_bulk_' || ${tag} || '_' || g, ${account.userId}::uuid, ${account.keyId}::uuid, 'deepseek/deepseek-flash',
      'deepseek', g, 2 * g, g, 'test', 'ok', 200, 10, true, ${base}::timestamptz + (g / 7) * interval '1 microsecond'
    FROM generate_series(1, ${counts.usageRows}) AS g`);
  await db.execute(sql`
    INSERT INTO request_logs (request_id, user_id, ip, user_agent, method, path, status, created_at)
    SELECT 'req_bulklog_' || ${tag} || '_' || g, ${account.userId}::uuid, '203.0.113.7', 'privacy-test', 'POST',
      '/v1/chat/completions', 200, ${base}::timestamptz + g * interval '1 second'
    FROM generate_series(1, ${counts.logRows}) AS g`);
}

/** Every key in the test Redis (SCAN, all of it). */
export async function allRedisKeys(): Promise<string[]> {
  const redis = testRedis();
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, { match: "*", count: 1_000 });
    cursor = String(next);
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

/** A request to the dashboard API with a raw body (malformed ones included). */
export function rawDashboardFetch(
  path: string,
  headers: Record<string, string>,
  init: RequestInit = {},
): Promise<Response> {
  return gatewayFetch(path, {
    ...init,
    headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
  });
}

/** One row in each billing table for the account: a pack payment, its ledger grant and a plan subscription. */
export async function insertBillingRows(db: Database, account: { userId: string }): Promise<void> {
  const tag = crypto.randomUUID();
  const [payment] = await db
    .insert(schema.payments)
    .values({
      userId: account.userId,
      provider: "stripe",
      purpose: "pack",
      productId: "pack-5",
      merchantReference: `pay_test_${tag}`,
      providerReference: `cs_test_${tag}`,
      amountMinor: 500,
      currency: "usd",
      creditMicroUsd: 5_000_000,
      status: "succeeded",
      completedAt: new Date(),
    })
    .returning({ id: schema.payments.id });
  await appendLedgerEntry(db, {
    userId: account.userId,
    kind: "purchase",
    amountMicroUsd: 5_000_000,
    reference: `payment:${payment?.id ?? tag}`,
    paymentId: payment?.id ?? null,
  });
  await db.insert(schema.subscriptions).values({
    userId: account.userId,
    plan: "pro",
    provider: "stripe",
    externalId: `sub_test_${tag}`,
    status: "active",
    currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
  });
}
