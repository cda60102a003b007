import { describe, expect, it } from "vitest";
import { cacheSummaryKey, slotBitOffset, summaryHour, summarySlot } from "../prompt-cache/cache-summary.ts";
import { CacheSummaries, SUMMARY_FRESH_MS, SUMMARY_MAX_AGE_MS, type SummaryDeps } from "./edge-cache-summaries.ts";

const entryKey = (hex: string) => `omz:pc:${hex.padEnd(64, "0")}`;
const A = entryKey("0000001");
const B = entryKey("0000002");

/** A summary string with the given entries' bits set, the way Redis's BITFIELD/SETBIT leaves it. */
function summaryOf(...keys: string[]): string {
  const bytes: number[] = [];
  for (const key of keys) {
    const offset = slotBitOffset(summarySlot(key) ?? 0);
    const byte = Math.floor(offset / 8);
    while (bytes.length <= byte) bytes.push(0);
    bytes[byte] = (bytes[byte] ?? 0) | (0x80 >> (offset % 8));
  }
  return String.fromCharCode(...bytes);
}

/** A replica holding `stored` (key -> string), counting the reads; `fail` makes reads fail. */
function replica(stored: Record<string, string> = {}) {
  const state = { reads: 0, fail: false, keys: [] as string[][] };
  const work: Promise<unknown>[] = [];
  const deps: SummaryDeps = {
    reader: {
      getStrings: (keys) => {
        state.reads += 1;
        state.keys.push(keys);
        if (state.fail) return Promise.reject(new Error("down"));
        return Promise.resolve(keys.map((key) => stored[key] ?? null));
      },
    },
    waitUntil: (promise) => work.push(promise),
  };
  return { state, deps, stored, settle: () => Promise.all(work.splice(0)) };
}

const NOW = Date.UTC(2026, 11, 6, 14, 30);
const HOUR = summaryHour(NOW);

describe("edge prompt-cache summaries", () => {
  it("answers 'maybe' until a summary is read, then 'no' for a clear bit without another read", async () => {
    const summaries = new CacheSummaries();
    const { state, deps, settle } = replica({ [cacheSummaryKey("u1", HOUR)]: summaryOf(B) });
    expect(summaries.mayHold(deps, "u1", A, NOW)).toBe(true);
    await settle();
    expect(state.keys).toEqual([[cacheSummaryKey("u1", HOUR), cacheSummaryKey("u1", HOUR - 1)]]);
    expect(summaries.mayHold(deps, "u1", A, NOW + 1)).toBe(false);
    expect(summaries.mayHold(deps, "u1", B, NOW + 1)).toBe(true);
    expect(state.reads).toBe(1);
  });

  it("finds entries stored in the last hour's summary and this isolate's own stores at once", async () => {
    const summaries = new CacheSummaries();
    const { deps, settle } = replica({ [cacheSummaryKey("u1", HOUR - 1)]: summaryOf(A) });
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + 1)).toBe(true);
    expect(summaries.mayHold(deps, "u1", B, NOW + 1)).toBe(false);
    summaries.noteStored("u1", [B], HOUR);
    expect(summaries.mayHold(deps, "u1", B, NOW + 2)).toBe(true);
    // Another account's summary is its own.
    expect(summaries.mayHold(deps, "u2", B, NOW + 2)).toBe(true);
  });

  it("keeps its own stores across a read from a replica that has not seen them yet", async () => {
    const summaries = new CacheSummaries();
    const { deps, settle } = replica();
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    summaries.noteStored("u1", [A], HOUR);
    summaries.mayHold(deps, "u1", B, NOW + SUMMARY_FRESH_MS);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS + 1)).toBe(true);
  });

  it("reads again in the background once fresh time has passed, one read at a time", async () => {
    const summaries = new CacheSummaries();
    const { state, deps, stored, settle } = replica();
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    stored[cacheSummaryKey("u1", HOUR)] = summaryOf(A);
    // Still trusted (not yet refreshed): a "no" from the summary read at NOW.
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS)).toBe(false);
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS + 1)).toBe(false);
    expect(state.reads).toBe(2);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS + 2)).toBe(true);
  });

  it("never answers 'no' from a summary older than the maximum age, nor after reads fail", async () => {
    const summaries = new CacheSummaries();
    const { state, deps, settle } = replica();
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    state.fail = true;
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_MAX_AGE_MS - 1)).toBe(false);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_MAX_AGE_MS)).toBe(true);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + 3 * SUMMARY_MAX_AGE_MS)).toBe(true);
  });

  it("answers 'maybe' for a key it cannot place, and forgets an account", async () => {
    const summaries = new CacheSummaries();
    const { deps, settle } = replica();
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    expect(summaries.mayHold(deps, "u1", "omz:pc:not-hex", NOW + 1)).toBe(true);
    summaries.forget("u1");
    expect(summaries.mayHold(deps, "u1", A, NOW + 2)).toBe(true);
  });
});
