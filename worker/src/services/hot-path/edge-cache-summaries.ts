/**
 * The prompt-cache summaries this isolate knows (prompt-cache/cache-summary.ts), per account: this hour's and the
 * last hour's, read together from the nearest replica (one MGET) and never waited for. A warm request whose entry's
 * bit is clear in both is a miss without a Redis read; a set bit, or no summary read in the last SUMMARY_MAX_AGE_MS,
 * means the entry is read as before (and a summary read is started in the background). Pure data at module scope,
 * like the key records: an evicted isolate starts empty.
 *
 * Bound (docs/edge-leases.md, "The prompt-cache read"): an entry is found by every isolate once it has been stored for
 * SUMMARY_MAX_AGE_MS plus one read and the replica's lag, and at once by the isolate that stored it (its own stores
 * are noted here). A request in between is answered by the provider, as a miss: the cache saves less, nothing is
 * served wrongly. A stale "maybe" only costs the read it would have cost anyway.
 */
import { cacheSummaryKey, summaryHolds, summaryHour, summarySlot } from "../prompt-cache/cache-summary.ts";

/** A summary is read again, in the background, once it is this old. */
export const SUMMARY_FRESH_MS = 5_000;
/** A summary older than this is not trusted with a "no": the entry is read. */
export const SUMMARY_MAX_AGE_MS = 10_000;
/** At most this many accounts' summaries (about 2 x 4 KB each); the oldest read is dropped first. */
const MAX_ACCOUNTS = 1_000;

export interface SummaryReader {
  getStrings(keys: string[]): Promise<(string | null)[]>;
}

export interface SummaryDeps {
  reader: SummaryReader;
  waitUntil: (work: Promise<unknown>) => void;
}

interface Known {
  /** When the read that gave `hours` started (0: never read). */
  readAt: number;
  hours: Map<number, string>;
  /** Slots of the entries this isolate stored, by hour: a read from a lagging replica may not show them yet. */
  own: Map<number, Set<number>>;
  reading: boolean;
}

export class CacheSummaries {
  private readonly known = new Map<string, Known>();

  /**
   * Whether the account may hold `entryKey` now: false only when a summary read at most SUMMARY_MAX_AGE_MS ago, and
   * this isolate's own stores, say it does not. Starts a background read when the summary is missing or not fresh.
   */
  mayHold(deps: SummaryDeps, userId: string, entryKey: string, now: number): boolean {
    const slot = summarySlot(entryKey);
    const known = this.known.get(userId);
    this.prime(deps, userId, now);
    if (slot === null || !known || now - known.readAt >= SUMMARY_MAX_AGE_MS) return true;
    const hour = summaryHour(now);
    for (const covered of [hour, hour - 1]) {
      if (summaryHolds(known.hours.get(covered) ?? "", slot) || known.own.get(covered)?.has(slot)) return true;
    }
    return false;
  }

  /** Starts a background read of the account's summary unless a fresh one is held or being read. */
  prime(deps: SummaryDeps, userId: string, now: number): void {
    const known = this.known.get(userId);
    if (!known || now - known.readAt >= SUMMARY_FRESH_MS) this.read(deps, userId, now);
  }

  /** Notes entries this isolate stored in `hour` (the lease flush marked them in that hour's summary). */
  noteStored(userId: string, entryKeys: readonly string[], hour: number): void {
    const known = this.known.get(userId);
    if (!known || entryKeys.length === 0) return;
    let slots = known.own.get(hour);
    if (!slots) known.own.set(hour, (slots = new Set()));
    for (const key of entryKeys) {
      const slot = summarySlot(key);
      if (slot !== null) slots.add(slot);
    }
    for (const noted of known.own.keys()) if (noted < hour - 1) known.own.delete(noted);
  }

  /** When the account's summary held here was read (epoch ms), 0 when none was. */
  readAt(userId: string): number {
    return this.known.get(userId)?.readAt ?? 0;
  }

  /** Forgets the account (its cache was switched off or purged here). */
  forget(userId: string): void {
    this.known.delete(userId);
  }

  clear(): void {
    this.known.clear();
  }

  private read(deps: SummaryDeps, userId: string, now: number): void {
    let known = this.known.get(userId);
    if (known?.reading) return;
    if (!known) {
      known = { readAt: 0, hours: new Map(), own: new Map(), reading: false };
      this.known.set(userId, known);
      this.evict();
    }
    const held = known;
    held.reading = true;
    const hour = summaryHour(now);
    const work = deps.reader
      .getStrings([cacheSummaryKey(userId, hour), cacheSummaryKey(userId, hour - 1)])
      .then(([current, last]) => {
        held.hours = new Map([
          [hour, current ?? ""],
          [hour - 1, last ?? ""],
        ]);
        held.readAt = now;
        // The most recently read last: eviction drops the longest unread.
        if (this.known.get(userId) === held) {
          this.known.delete(userId);
          this.known.set(userId, held);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        held.reading = false;
      });
    deps.waitUntil(work);
  }

  private evict(): void {
    while (this.known.size > MAX_ACCOUNTS) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
  }
}

/** This isolate's summaries. */
export const edgeCacheSummaries = new CacheSummaries();
