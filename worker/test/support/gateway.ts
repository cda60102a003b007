/**
 * Test helpers that run inside workerd next to the bundled worker: call the gateway, seed accounts through the same
 * Neon driver the worker uses, and wait for side effects written in `waitUntil` (Miniflare does not wait for them).
 */
import { SELF, env } from "cloudflare:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { eq } from "drizzle-orm";
import { createDb, type Database } from "../../../db/client.ts";
import { apiKeys, usageEvents, users, type UsageEvent } from "../../../db/schema.ts";
import { drainUsage } from "../../src/cron/drain-usage.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../../src/lib/api-key.ts";
import { appendLedgerEntry, type LedgerDatabase } from "../../src/services/billing/ledger.ts";
import { edgeCacheSummaries } from "../../src/services/hot-path/edge-cache-summaries.ts";
import { edgeKeyRecords } from "../../src/services/hot-path/edge-key-records.ts";
import { retireEdgeLeases } from "../../src/services/hot-path/edge-lease.ts";
import { testRedis } from "./stand-ins.ts";

export const GATEWAY = "http://gateway.test";

const bindings = env as unknown as Record<string, string>;

/**
 * Stands for the time in which this isolate learns a change of a key made behind the gateway's back (its key records
 * are at most 10 s old: services/hot-path/edge-key-records.ts): forgets them and its prompt-cache summaries, and
 * retires its edge leases. The worker under test runs in this isolate, with these modules.
 */
export function forgetEdgeState(): void {
  edgeKeyRecords.clear();
  edgeCacheSummaries.clear();
  retireEdgeLeases();
}

export function gatewayFetch(path: string, init?: RequestInit): Promise<Response> {
  return SELF.fetch(`${GATEWAY}${path}`, init);
}

/** The official client on the gateway; `requestIds`, if given, collects each answer's `x-request-id` (streams too). */
export function openaiClient(apiKey: string, requestIds?: string[]): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: `${GATEWAY}/v1`,
    maxRetries: 0,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await SELF.fetch(input instanceof URL ? input.href : input, init);
      requestIds?.push(response.headers.get("x-request-id") ?? "");
      return response;
    },
  });
}

export function anthropicClient(apiKey: string): Anthropic {
  return new Anthropic({
    apiKey,
    baseURL: GATEWAY,
    maxRetries: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      SELF.fetch(input instanceof URL ? input.href : input, init),
  });
}

export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const { db, pool } = createDb({ url: bindings.DATABASE_URL ?? "", wsProxy: bindings.NEON_WS_PROXY });
  try {
    return await work(db);
  } finally {
    await pool.end();
  }
}

export interface SeededAccount {
  userId: string;
  keyId: string;
  apiKey: string;
}

export interface SeedOptions {
  creditMicroUsd?: number;
  /** Defaults to `internal` (no practical limits) so only tests about limits meet them. */
  plan?: string;
  accountJurisdictions?: string[] | null;
  keyJurisdictions?: string[] | null;
}

/** A fresh user with prepaid credit (default 5 USD) and one API key. */
export async function seedAccount(creditOrOptions: number | SeedOptions = {}): Promise<SeededAccount> {
  const options = typeof creditOrOptions === "number" ? { creditMicroUsd: creditOrOptions } : creditOrOptions;
  const creditMicroUsd = options.creditMicroUsd ?? 5_000_000;
  const apiKey = generateApiKey();
  const keyHash = await hashApiKey(apiKey);
  return withDatabase(async (db) => {
    const [user] = await db
      .insert(users)
      .values({
        email: `test-${crypto.randomUUID()}@omnizen.test`,
        plan: options.plan ?? "internal",
        ageConfirmedAt: new Date(),
        allowedJurisdictions: options.accountJurisdictions ?? null,
      })
      .returning({ id: users.id });
    if (!user) throw new Error("user insert returned nothing");
    await grantTestCredit(db, user.id, creditMicroUsd);
    const [key] = await db
      .insert(apiKeys)
      .values({
        userId: user.id,
        name: "test",
        keyHash,
        prefix: displayPrefix(apiKey),
        allowedJurisdictions: options.keyJurisdictions ?? null,
      })
      .returning({ id: apiKeys.id });
    if (!key) throw new Error("key insert returned nothing");
    return { userId: user.id, keyId: key.id, apiKey };
  });
}

/**
 * Gives an account credit the way every grant is given: one ledger row (a promotion, unique reference) that moves the
 * balance column in the same statement, so the balance stays the sum of the account's ledger rows.
 */
export async function grantTestCredit(db: LedgerDatabase, userId: string, amountMicroUsd: number): Promise<void> {
  if (amountMicroUsd === 0) return;
  await appendLedgerEntry(db, {
    userId,
    kind: amountMicroUsd > 0 ? "promotion" : "adjustment",
    amountMicroUsd,
    reference: `test:${userId}:${crypto.randomUUID()}`,
  });
}

/**
 * Waits until the usage row of `requestId` is in Postgres: the record is queued by the settlement (in waitUntil
 * after the response) and written by the usage drain, which the cron trigger runs; here the test runs it.
 */
export async function waitForUsageRow(requestId: string, timeoutMs = 10_000): Promise<UsageEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await withDatabase(async (db) => {
      await drainUsage(testRedis(), db);
      return db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId));
    });
    if (rows[0]) return rows[0];
    if (Date.now() > deadline) throw new Error(`no usage row for ${requestId} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function chatBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model: "deepseek/deepseek-flash",
    messages: [{ role: "user", content: "Hello" }],
    ...overrides,
  });
}

export function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
}
