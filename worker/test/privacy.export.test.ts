/**
 * Policy 5 "Export": the export covers every table that holds a person's data (derived from the schema, so a new
 * table cannot be forgotten), is one parseable JSON document with exact counts, leaves key hashes out, and is read
 * page by page on demand (bounded memory), through the function and through GET /api/account/export.
 */
import { eq } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../db/schema.ts";
import {
  EXPORTED_TABLES,
  exportedTableEntries,
  type ExportedTableName,
} from "../src/services/privacy/exported-tables.ts";
import { exportAccount, type ExportSummary } from "../src/services/privacy/export-account.ts";
import { accountExportSchema } from "../src/contracts/privacy-api.ts";
import { expectContract } from "./support/contract.ts";
import { withDatabase } from "./support/gateway.ts";
import {
  rawDashboardFetch,
  insertBulkRows,
  seedLinkedAccount,
  sessionHeaders,
  userDataTablesFromSchema,
} from "./support/privacy-fixtures.ts";

async function readAll(
  stream: ReadableStream<Uint8Array>,
): Promise<{ text: string; chunks: number; largestChunk: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  let largestChunk = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    largestChunk = Math.max(largestChunk, value.byteLength);
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks, largestChunk };
}

describe("the export registry", () => {
  it("covers exactly the tables that hold a person's data, derived from the schema", () => {
    const fromSchema = userDataTablesFromSchema();
    expect(fromSchema.map((table) => table.name).sort()).toEqual(Object.keys(EXPORTED_TABLES).sort());
    for (const derived of fromSchema) {
      const entry = EXPORTED_TABLES[derived.name as ExportedTableName];
      expect(getTableConfig(entry.table).name).toBe(derived.name);
      // Every such table must carry the account's id itself, in exactly one column: the one the registry names.
      expect(derived.userColumns, `${derived.name} needs one direct foreign key to users.id`).toHaveLength(1);
      expect(entry.userColumn).toBe(derived.userColumns[0]);
      expect(entry.idColumn.primary || entry.idColumn.isUnique, `${derived.name}.id must be unique`).toBe(true);
      if (entry.onAccountExpiry.action === "anonymise") {
        // Anonymising must break the link, or retention would never finish the table.
        expect(entry.onAccountExpiry.columns).toContain(entry.userColumn);
      }
    }
    expect(exportedTableEntries()[0]?.[0]).toBe("users");
  });
});

describe("exportAccount", () => {
  it("streams one document with every row, in pages of the given size, without key hashes", async () => {
    const account = await seedLinkedAccount();
    const usageRows = 3_456;
    const logRows = 1_234;
    const pages: Array<[ExportedTableName, number]> = [];
    let summary: ExportSummary | undefined;
    const { text, chunks, largestChunk } = await withDatabase(async (db) => {
      await insertBulkRows(db, account, { usageRows, logRows });
      const stream = await exportAccount(db, account.userId, {
        pageSize: 500,
        onPage: (table, rowCount) => pages.push([table, rowCount]),
        onDone: (result) => {
          summary = result;
        },
      });
      if (!stream) throw new Error("no export");
      return readAll(stream);
    });

    const document = expectContract(accountExportSchema, JSON.parse(text));
    expect(document).toMatchObject({ format: "omnizen-account-export", version: 1, user_id: account.userId });
    expect(Object.keys(document.contents)).toEqual(Object.keys(EXPORTED_TABLES));
    expect(document.users).toMatchObject({
      id: account.userId,
      email: account.email,
      clerk_user_id: account.clerkUserId,
    });
    expect(document.api_keys).toHaveLength(1);
    expect(document.api_keys[0]).toMatchObject({ id: account.keyId, name: "test" });
    expect(document.api_keys[0]).not.toHaveProperty("key_hash");
    expect(text).not.toContain(account.keyHash);
    expect(text).not.toContain(account.apiKey);
    expect(document.usage_events).toHaveLength(usageRows);
    expect(document.request_logs).toHaveLength(logRows);
    // Every row once, in (created_at, id) order, even where pages split rows with the same microsecond.
    const ids = document.usage_events.map((row) => Number(row.id));
    expect(new Set(ids).size).toBe(usageRows);
    expect(ids).toEqual([...ids].sort((left, right) => left - right));
    const promptTokens = document.usage_events.reduce((total, row) => total + Number(row.prompt_tokens), 0);
    expect(promptTokens).toBe((usageRows * (usageRows + 1)) / 2);
    expect(document.usage_events[0]).toMatchObject({
      user_id: account.userId,
      api_key_id: account.keyId,
      model: "deepseek/deepseek-flash",
    });

    // Pages: users 1, api_keys 1, usage 7 (6 x 500 + 456), logs 3 (2 x 500 + 234); none larger than asked.
    const perTable = (name: ExportedTableName) => pages.filter(([table]) => table === name).map(([, rows]) => rows);
    expect(perTable("users")).toEqual([1]);
    expect(perTable("api_keys")).toEqual([1]);
    expect(perTable("usage_events")).toEqual([500, 500, 500, 500, 500, 500, 456]);
    expect(perTable("request_logs")).toEqual([500, 500, 234]);
    expect(summary).toEqual({
      status: "complete",
      // Payments and subscriptions are empty here (one empty page each); the ledger holds the seed's grant.
      pages: 15,
      rows: {
        users: 1,
        api_keys: 1,
        usage_events: usageRows,
        request_logs: logRows,
        subscriptions: 0,
        payments: 0,
        credit_ledger: 1,
      },
    });
    // One chunk per non-empty page, plus the closing brace; a chunk holds at most one page of rows.
    expect(chunks).toBe(13 + 1);
    expect(largestChunk).toBeLessThan(text.length / 4);
  });

  it("reads a page only when the reader asks for more (no read-ahead), and settles once when cancelled", async () => {
    const account = await seedLinkedAccount();
    let pagesRead = 0;
    const settled: ExportSummary[] = [];
    await withDatabase(async (db) => {
      await insertBulkRows(db, account, { usageRows: 2_000, logRows: 0 });
      const stream = await exportAccount(db, account.userId, {
        pageSize: 100,
        onPage: () => (pagesRead += 1),
        onDone: (summary) => {
          settled.push(summary);
        },
      });
      if (!stream) throw new Error("no export");
      // Nothing is read before the first pull.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pagesRead).toBe(0);
      const reader = stream.getReader();
      await reader.read(); // the header and the users row
      expect(pagesRead).toBe(1);
      await reader.read(); // api_keys
      await reader.read(); // the first page of usage rows
      expect(pagesRead).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pagesRead).toBe(3);
      await reader.cancel();
    });
    expect(settled).toHaveLength(1);
    expect(settled[0]?.status).toBe("cancelled");
    expect(settled[0]?.rows.usage_events).toBe(100);
  });

  it("is null for an account that does not exist", async () => {
    expect(await withDatabase((db) => exportAccount(db, crypto.randomUUID()))).toBeNull();
  });
});

describe("GET /api/account/export", () => {
  it("downloads the caller's whole account as an attachment", async () => {
    const account = await seedLinkedAccount();
    await withDatabase((db) => insertBulkRows(db, account, { usageRows: 2_345, logRows: 67 }));
    const response = await rawDashboardFetch("/api/account/export", await sessionHeaders(account.clerkUserId));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const today = new Date().toISOString().slice(0, 10);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="omnizen-export-${today}.json"`);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    const text = await response.text();
    const document = expectContract(accountExportSchema, JSON.parse(text));
    expect(document.user_id).toBe(account.userId);
    expect(document.usage_events).toHaveLength(2_345);
    expect(document.request_logs).toHaveLength(67);
    expect(document.api_keys.map((key) => key.id)).toEqual([account.keyId]);
    expect(text).not.toContain(account.keyHash);
    // Only the caller's rows.
    expect(document.usage_events.every((row) => row.user_id === account.userId)).toBe(true);
  });

  it("refuses a request without a session, and an API key instead of one", async () => {
    const account = await seedLinkedAccount();
    const anonymous = await rawDashboardFetch("/api/account/export", {});
    expect(anonymous.status).toBe(401);
    const withKey = await rawDashboardFetch("/api/account/export", { authorization: `Bearer ${account.apiKey}` });
    expect(withKey.status).toBe(401);
    expect(((await withKey.json()) as { error: { code: string } }).error.code).toBe("unauthorized_session");
    // The key's hash lookups are untouched by the refusal.
    const [key] = await withDatabase((db) =>
      db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, account.keyId)),
    );
    expect(key?.revokedAt).toBeNull();
  });
});
