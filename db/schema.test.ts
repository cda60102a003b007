import { is } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "./schema.ts";

const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/** Free-text columns that are allowed, each bounded by what it holds: ids, names of things, enums, network metadata. */
const ALLOWED_TEXT_COLUMNS: Record<string, string[]> = {
  users: ["clerk_user_id", "email", "name", "phone", "plan", "stripe_customer_id", "auto_topup_pack_id"],
  // model_aliases: ids the client sends -> catalog ids (settings, never content).
  api_keys: ["name", "key_hash", "prefix", "spend_limit_period", "model_aliases"],
  usage_events: [
    "request_id",
    "model",
    "provider",
    "price_version",
    "usage_source",
    "status",
    "finish_reason",
    "api_type",
  ],
  request_logs: ["request_id", "ip", "user_agent", "method", "path"],
  payments: [
    "provider",
    "purpose",
    "product_id",
    "merchant_reference",
    "provider_reference",
    "provider_payment_reference",
    "currency",
    "status",
  ],
  credit_ledger: ["kind", "reference"],
  subscriptions: ["plan", "provider", "external_id", "status"],
  stripe_events: ["id", "type"],
};

describe("schema privacy invariant (policy 1.2: no prompt or response content)", () => {
  it("knows every table", () => {
    expect(tables.map((table) => getTableConfig(table).name).sort()).toEqual(Object.keys(ALLOWED_TEXT_COLUMNS).sort());
  });

  it("has no free-text or JSON column beyond the reviewed allowlist", () => {
    for (const table of tables) {
      const config = getTableConfig(table);
      const textual = config.columns
        .filter((column) =>
          ["PgText", "PgVarchar", "PgJson", "PgJsonb", "PgChar", "PgBytea"].includes(column.columnType),
        )
        .map((column) => column.name);
      expect(textual.sort(), config.name).toEqual([...(ALLOWED_TEXT_COLUMNS[config.name] ?? [])].sort());
    }
  });

  it("names no column after content", () => {
    for (const table of tables) {
      for (const column of getTableConfig(table).columns) {
        expect(column.name).not.toMatch(
          /content|message|prompt_text|body|response|completion_text|input_text|output_text/,
        );
      }
    }
  });

  it("keeps money in integer micro-USD", () => {
    const money = tables.flatMap((table) =>
      getTableConfig(table).columns.filter((column) => column.name.includes("usd")),
    );
    expect(money.length).toBeGreaterThan(0);
    for (const column of money) {
      expect(column.name.endsWith("_micro_usd")).toBe(true);
      expect(column.columnType).toBe("PgBigInt53");
    }
  });
});

describe("schema privacy invariant (policy 1.3: no card numbers or bank credentials)", () => {
  it("has no column that could hold a card number, CVC, bank account or payment credential", () => {
    for (const table of tables) {
      for (const column of getTableConfig(table).columns) {
        expect(column.name).not.toMatch(
          /card|pan\b|cvc|cvv|iban|bank|account_number|routing|password|credential|pin\b/,
        );
      }
    }
  });
});
