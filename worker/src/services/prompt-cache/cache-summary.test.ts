import { describe, expect, it } from "vitest";
import { accountCacheSummaryKeys, cacheSummaryKey, logPrefixes, summaryHour, summaryPrefix } from "./cache-summary.ts";

const entryKey = (hex: string) => `omz:pc:${hex.padEnd(64, "0")}`;

describe("the prompt-cache summary", () => {
  it("logs an entry as the first 6 hex digits of its HMAC, and nothing for a key of another shape", () => {
    expect(summaryPrefix(entryKey("0a1b2c3d"))).toBe("0a1b2c");
    expect(summaryPrefix("omz:pc:late-1234")).toBeNull();
    expect(summaryPrefix("omz:key:0a1b2c3d")).toBeNull();
    expect(summaryPrefix("omz:pc:ABCDEF01")).toBeNull();
    expect(summaryPrefix("omz:pc:0a1b")).toBeNull();
  });

  it("reads a log piece as its whole prefixes", () => {
    expect(logPrefixes("")).toEqual([]);
    expect(logPrefixes("0a1b2cffffff")).toEqual(["0a1b2c", "ffffff"]);
    // A piece cut inside a prefix (never read so: reads start at the log's length) keeps the whole ones only.
    expect(logPrefixes("0a1b2cfff")).toEqual(["0a1b2c"]);
  });

  it("names a summary per account and hour, and the ones that can exist", () => {
    const now = Date.UTC(2026, 11, 6, 14, 59, 59);
    const hour = summaryHour(now);
    expect(summaryHour(now + 1000)).toBe(hour + 1);
    expect(cacheSummaryKey("u1", hour)).toBe(`omz:pcsum:u1:${hour}`);
    expect(accountCacheSummaryKeys("u1", now)).toEqual([
      `omz:pcsum:u1:${hour - 1}`,
      `omz:pcsum:u1:${hour}`,
      `omz:pcsum:u1:${hour + 1}`,
    ]);
  });
});
