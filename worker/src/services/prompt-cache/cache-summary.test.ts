import { describe, expect, it } from "vitest";
import {
  accountCacheSummaryKeys,
  cacheSummaryKey,
  slotBitOffset,
  SUMMARY_BYTES,
  SUMMARY_SLOTS,
  summaryExpiresAt,
  summaryHolds,
  summaryHour,
  summarySlot,
} from "./cache-summary.ts";

/** What Redis's SETBIT does to a string: bit 0 is the top bit of the first byte; the string grows with zeros. */
function setBits(offsets: number[]): string {
  const bytes: number[] = [];
  for (const offset of offsets) {
    const byte = Math.floor(offset / 8);
    while (bytes.length <= byte) bytes.push(0);
    bytes[byte] = (bytes[byte] ?? 0) | (0x80 >> (offset % 8));
  }
  return String.fromCharCode(...bytes);
}

const entryKey = (hex: string) => `omz:pc:${hex.padEnd(64, "0")}`;

describe("the prompt-cache summary", () => {
  it("takes an entry's slot from the first 7 hex digits of its HMAC, and refuses keys of another shape", () => {
    expect(summarySlot(entryKey("0000000"))).toBe(0);
    expect(summarySlot(entryKey("0000001"))).toBe(1);
    expect(summarySlot(entryKey("fffffff"))).toBe(0xfffffff % SUMMARY_SLOTS);
    expect(summarySlot(entryKey("00070008"))).toBe(0x0007000 % SUMMARY_SLOTS);
    expect(summarySlot("omz:pc:late-1234")).toBeNull();
    expect(summarySlot("omz:key:0000000")).toBeNull();
    expect(summarySlot("omz:pc:ABCDEF0")).toBeNull();
  });

  it("uses the low seven bits of each byte, so a full summary is ASCII of SUMMARY_BYTES bytes", () => {
    const offsets = Array.from({ length: SUMMARY_SLOTS }, (_, slot) => slotBitOffset(slot));
    expect(new Set(offsets).size).toBe(SUMMARY_SLOTS);
    expect(offsets.every((offset) => offset % 8 !== 0)).toBe(true);
    const full = setBits(offsets);
    expect(full).toHaveLength(SUMMARY_BYTES);
    expect([...full].every((char) => char.charCodeAt(0) === 0x7f)).toBe(true);
  });

  it("holds exactly the slots whose bits were set the Redis way", () => {
    const set = [0, 6, 7, 13, 500, SUMMARY_SLOTS - 1];
    const summary = setBits(set.map(slotBitOffset));
    for (let slot = 0; slot < SUMMARY_SLOTS; slot += 1) expect(summaryHolds(summary, slot)).toBe(set.includes(slot));
    expect(summaryHolds("", 0)).toBe(false);
  });

  it("names a summary per account and hour, kept until its last entry has expired", () => {
    const now = Date.UTC(2026, 11, 6, 14, 59, 59);
    const hour = summaryHour(now);
    expect(summaryHour(now + 1000)).toBe(hour + 1);
    expect(cacheSummaryKey("u1", hour)).toBe(`omz:pcsum:u1:${hour}`);
    // An entry stored in the hour's last second lives an hour: its summary outlives it, by less than an hour more.
    const lastEntryExpires = now / 1000 + 3600;
    expect(summaryExpiresAt(hour)).toBeGreaterThanOrEqual(lastEntryExpires);
    expect(summaryExpiresAt(hour) - lastEntryExpires).toBeLessThanOrEqual(3600);
    expect(accountCacheSummaryKeys("u1", now)).toEqual([
      `omz:pcsum:u1:${hour - 1}`,
      `omz:pcsum:u1:${hour}`,
      `omz:pcsum:u1:${hour + 1}`,
    ]);
  });
});
