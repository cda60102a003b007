import { describe, expect, it } from "vitest";
import type { Database } from "../../../../db/client.ts";
import { CSV_COLUMNS, usageCsvStream } from "./usage-csv.ts";
import type { EventRow } from "./usage-queries.ts";

/** A database whose every page query answers `rowsPerQuery` more rows (the stream keeps what it asked for). */
function fakeDatabase(rowsPerQuery: number, totalRows: number): { db: Database; queries: () => number } {
  let served = 0;
  let queries = 0;
  const row = (n: number): EventRow => ({
    id: String(1_000 - n),
    request_id: `req_${n}`,
    created_at: `2026-03-01T00:00:${String(59 - (n % 60)).padStart(2, "0")}.000000Z`,
    model: "deepseek/deepseek-flash",
    provider: "deepseek",
    api_key_id: null,
    key_name: null,
    prompt_tokens: 1,
    completion_tokens: 2,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_micro_usd: "1500000",
    latency_ms: 10,
    time_to_first_token_ms: null,
    status: "ok",
    http_status: 200,
    cache_hit: false,
    stream: true,
  });
  const db = {
    execute: async () => {
      queries += 1;
      const count = Math.min(rowsPerQuery, totalRows - served);
      const rows = Array.from({ length: count }, (_, index) => row(served + index));
      served += count;
      return { rows };
    },
  } as unknown as Database;
  return { db, queries: () => queries };
}

const query = { userId: "u", from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-02T00:00:00Z") };

describe("usage CSV stream", () => {
  it("stops at the row limit and says so in a trailing line", async () => {
    let summary: unknown;
    const { db } = fakeDatabase(3, 100);
    const text = await new Response(
      usageCsvStream(db, query, { maxRows: 5, pageRows: 2, onDone: (done) => (summary = done) }),
    ).text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines.slice(1, 6).every((line) => line.startsWith("req_"))).toBe(true);
    expect(lines[6]).toMatch(/^# truncated: this export stops at 5 rows/);
    expect(lines[7]).toBe("");
    expect(summary).toEqual({ status: "complete", rows: 5, truncated: true });
    expect(lines[1]?.split(",")[12]).toBe("1.500000");
  });

  it("ends without a note when everything fit", async () => {
    const { db } = fakeDatabase(2, 1);
    const text = await new Response(usageCsvStream(db, query, { maxRows: 5, pageRows: 2 })).text();
    expect(text.split("\r\n")).toHaveLength(3);
    expect(text).not.toContain("#");
  });
});
