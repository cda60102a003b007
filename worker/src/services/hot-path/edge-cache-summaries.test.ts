import { describe, expect, it } from "vitest";
import { cacheSummaryKey, summaryHour } from "../prompt-cache/cache-summary.ts";
import { CacheSummaries, SUMMARY_FRESH_MS, SUMMARY_MAX_AGE_MS, type SummaryDeps } from "./edge-cache-summaries.ts";

const entryKey = (hex: string) => `omz:pc:${hex.padEnd(64, "0")}`;
const A = entryKey("aaaaaa01");
const B = entryKey("bbbbbb02");
const prefix = (key: string) => key.slice(7, 13);

/**
 * A replica holding the logs `stored` (key -> text), answering SUMMARY_READ_SCRIPT as Redis does (per key: the
 * offset read from, then the text from there; from 0 when the log is shorter than the offset).
 */
function replica(stored: Record<string, string> = {}) {
  const state = { reads: 0, fail: false, calls: [] as { keys: string[]; args: string[] }[] };
  const work: Promise<unknown>[] = [];
  const answer = (keys: string[], args: string[]) => {
    state.reads += 1;
    state.calls.push({ keys, args });
    if (state.fail) return Promise.reject(new Error("down"));
    return Promise.resolve(
      keys.flatMap((key, index) => {
        const text = stored[key] ?? "";
        const offset = Number(args[index]);
        const from = text.length < offset ? 0 : offset;
        return [String(from), text.slice(from)];
      }),
    );
  };
  const deps: SummaryDeps = {
    reader: {
      evalshaRo: (_digest, keys, args) => answer(keys, args),
      evalRo: (_source, keys, args) => answer(keys, args),
      getString: () => Promise.reject(new Error("not used")),
    },
    waitUntil: (promise) => work.push(promise),
  };
  return { state, deps, stored, settle: () => Promise.all(work.splice(0)) };
}

const NOW = Date.UTC(2026, 11, 6, 14, 30);
const HOUR = summaryHour(NOW);
const THIS_HOUR = cacheSummaryKey("u1", HOUR);
const LAST_HOUR = cacheSummaryKey("u1", HOUR - 1);

describe("edge prompt-cache summaries", () => {
  it("answers 'maybe' until a summary is read, then 'no' for an entry not logged, without another read", async () => {
    const summaries = new CacheSummaries();
    const { state, deps, settle } = replica({ [THIS_HOUR]: prefix(B) });
    expect(summaries.mayHold(deps, "u1", A, NOW)).toBe(true);
    await settle();
    expect(state.calls).toEqual([{ keys: [THIS_HOUR, LAST_HOUR], args: ["0", "0"] }]);
    expect(summaries.mayHold(deps, "u1", A, NOW + 1)).toBe(false);
    expect(summaries.mayHold(deps, "u1", B, NOW + 1)).toBe(true);
    expect(state.reads).toBe(1);
  });

  it("finds entries logged in the last hour and this isolate's own stores at once", async () => {
    const summaries = new CacheSummaries();
    const { deps, settle } = replica({ [LAST_HOUR]: prefix(A) });
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + 1)).toBe(true);
    expect(summaries.mayHold(deps, "u1", B, NOW + 1)).toBe(false);
    summaries.noteStored("u1", [B], HOUR);
    expect(summaries.mayHold(deps, "u1", B, NOW + 2)).toBe(true);
    // Another account's summary is its own.
    expect(summaries.mayHold(deps, "u2", B, NOW + 2)).toBe(true);
  });

  it("reads only what a log gained since, and starts over when the log was deleted and begun again", async () => {
    const summaries = new CacheSummaries();
    const { state, deps, stored, settle } = replica({ [THIS_HOUR]: prefix(A) });
    summaries.mayHold(deps, "u1", A, NOW);
    await settle();
    stored[THIS_HOUR] = prefix(A) + prefix(B);
    summaries.prime(deps, "u1", NOW + SUMMARY_FRESH_MS);
    await settle();
    expect(state.calls[1]).toEqual({ keys: [THIS_HOUR, LAST_HOUR], args: ["6", "0"] });
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS + 1)).toBe(true);
    expect(summaries.mayHold(deps, "u1", B, NOW + SUMMARY_FRESH_MS + 1)).toBe(true);
    // The account's cache was switched off and on: its summary deleted, then one new entry logged.
    const C = entryKey("cccccc03");
    stored[THIS_HOUR] = prefix(C);
    summaries.prime(deps, "u1", NOW + 2 * SUMMARY_FRESH_MS);
    await settle();
    expect(summaries.mayHold(deps, "u1", A, NOW + 2 * SUMMARY_FRESH_MS + 1)).toBe(false);
    expect(summaries.mayHold(deps, "u1", C, NOW + 2 * SUMMARY_FRESH_MS + 1)).toBe(true);
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
    stored[THIS_HOUR] = prefix(A);
    // Still trusted until the new read arrives: a "no" from the summary read at NOW.
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS)).toBe(false);
    expect(summaries.mayHold(deps, "u1", A, NOW + SUMMARY_FRESH_MS + 1)).toBe(false);
    await settle();
    expect(state.reads).toBe(2);
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
