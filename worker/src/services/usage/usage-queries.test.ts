import { describe, expect, it } from "vitest";
import { csvField } from "./usage-csv.ts";
import { decodeCursor, encodeCursor } from "./usage-queries.ts";

describe("usage cursor", () => {
  it("round-trips a position with microseconds, and is opaque", () => {
    const cursor = { createdAt: "2026-12-06T03:35:49.123456Z", id: "9007199254740993" };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it("refuses anything it did not make", () => {
    const bad = [
      "",
      "not a cursor!",
      encodeCursor({ createdAt: "2026-12-06T03:35:49.123Z", id: "1" }),
      encodeCursor({ createdAt: "2026-12-06T03:35:49.123456Z", id: "0" }),
      encodeCursor({ createdAt: "2026-12-06T03:35:49.123456Z", id: "1; DROP TABLE x" }),
      encodeCursor({ createdAt: "2026-12-06T03:35:49.123456Z", id: "99999999999999999999" }),
      btoa("2026-12-06T03:35:49.123456Z|1|2"),
      "x".repeat(201),
    ];
    for (const text of bad) expect(decodeCursor(text), text).toBeNull();
  });
});

describe("CSV fields", () => {
  it("quotes separators and quotes, and defuses spreadsheet formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@sum,1")).toBe('"\'@sum,1"');
    expect(csvField(-5)).toBe("-5");
    expect(csvField(null)).toBe("");
    expect(csvField(true)).toBe("true");
  });
});
