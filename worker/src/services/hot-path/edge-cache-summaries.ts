/**
 * The prompt-cache summaries this isolate knows (prompt-cache/cache-summary.ts), per account: the entry prefixes
 * logged this hour and the last, read from the nearest replica (one read-only script, SUMMARY_READ_SCRIPT: only what
 * the logs gained since the last read) and never waited for. A warm request whose entry's prefix is in neither is a
 * miss without a Redis read; a known prefix, or no summary read in the last SUMMARY_MAX_AGE_MS, means the entry is
 * read as before (and a summary read is started in the background). Pure data at module scope, like the key records:
 * an evicted isolate starts empty.
 *
 * Bound (docs/edge-leases.md, "The prompt-cache read"): an entry is found by every isolate once it has been stored for
 * SUMMARY_MAX_AGE_MS plus one read and the replica's lag, and at once by the isolate that stored it (its own stores
 * are noted here). A request in between is answered by the provider, as a miss: the cache saves less, nothing is
 * served wrongly. A stale "maybe" only costs the read it would have cost anyway.
 */
import {
  cacheSummaryKey,
  logPrefixes,
  SUMMARY_READ_SCRIPT,
  summaryHour,
  summaryPrefix,
} from "../prompt-cache/cache-summary.ts";
import { runReadOnlyScript } from "./run-script.ts";
import type { ReadOnlyScriptClient } from "./script-client.ts";

/** A summary is read again, in the background, once it is this old. */
export const SUMMARY_FRESH_MS = 5_000;
/** A summary older than this is not trusted with a "no": the entry is read. */
export const SUMMARY_MAX_AGE_MS = 10_000;
/** At most this many accounts' summaries; the one read longest ago is dropped first. */
const MAX_ACCOUNTS = 1_000;
/** An hour with more prefixes than this is not kept (memory): its account's entries are read, as before summaries. */
const MAX_PREFIXES_PER_HOUR = 100_000;

export interface SummaryDeps {
  reader: ReadOnlyScriptClient;
  waitUntil: (work: Promise<unknown>) => void;
}

/** One hour's log as read so far: its length read, and its prefixes (null: too many to keep). */
interface HourLog {
  offset: number;
  prefixes: Set<string> | null;
}

interface Known {
  /** When the read that gave `hours` started (0: never read). */
  readAt: number;
  hours: Map<number, HourLog>;
  /** Prefixes of the entries this isolate stored, by hour: a read from a lagging replica may not show them yet. */
  own: Map<number, Set<string>>;
  reading: boolean;
}

export class CacheSummaries {
  private readonly known = new Map<string, Known>();

  /**
   * Whether the account may hold `entryKey` now: false only when a summary read at most SUMMARY_MAX_AGE_MS ago, and
   * this isolate's own stores, say it does not. Starts a background read when the summary is missing or not fresh.
   */
  mayHold(deps: SummaryDeps, userId: string, entryKey: string, now: number): boolean {
    const prefix = summaryPrefix(entryKey);
    const known = this.known.get(userId);
    this.prime(deps, userId, now);
    if (prefix === null || !known || now - known.readAt >= SUMMARY_MAX_AGE_MS) return true;
    const hour = summaryHour(now);
    for (const covered of [hour, hour - 1]) {
      const log = known.hours.get(covered);
      if (log && log.prefixes === null) return true;
      if (log?.prefixes?.has(prefix) || known.own.get(covered)?.has(prefix)) return true;
    }
    return false;
  }

  /** Starts a background read of the account's summary unless a fresh one is held or being read. */
  prime(deps: SummaryDeps, userId: string, now: number): void {
    const known = this.known.get(userId);
    if (!known || now - known.readAt >= SUMMARY_FRESH_MS) this.read(deps, userId, now);
  }

  /** Notes entries this isolate stored in `hour` (the lease flush logged them in that hour's summary). */
  noteStored(userId: string, entryKeys: readonly string[], hour: number): void {
    const known = this.known.get(userId);
    if (!known || entryKeys.length === 0) return;
    let own = known.own.get(hour);
    if (!own) known.own.set(hour, (own = new Set()));
    for (const key of entryKeys) {
      const prefix = summaryPrefix(key);
      if (prefix !== null) own.add(prefix);
    }
    for (const noted of known.own.keys()) if (noted < hour - 1) known.own.delete(noted);
  }

  /** When the account's summary held here was read (epoch ms), 0 when none was. */
  readAt(userId: string): number {
    return this.known.get(userId)?.readAt ?? 0;
  }

  /** Forgets the account. */
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
    const covered = [hour, hour - 1];
    const offsets = covered.map((at) => String(held.hours.get(at)?.offset ?? 0));
    const keys = covered.map((at) => cacheSummaryKey(userId, at));
    const work = runReadOnlyScript<Array<string | number>>(deps.reader, SUMMARY_READ_SCRIPT, keys, offsets)
      .then((reply) => {
        const hours = new Map<number, HourLog>();
        covered.forEach((at, index) => {
          const from = Number(reply[2 * index]);
          const text = String(reply[2 * index + 1] ?? "");
          hours.set(at, extend(from === 0 ? undefined : held.hours.get(at), from, text));
        });
        held.hours = hours;
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

/** An hour's log with the text read from `from` added (from 0: the log began again, or is read the first time). */
function extend(log: HourLog | undefined, from: number, text: string): HourLog {
  const prefixes = log ? log.prefixes : new Set<string>();
  if (prefixes) for (const prefix of logPrefixes(text)) prefixes.add(prefix);
  const tooMany = prefixes !== null && prefixes.size > MAX_PREFIXES_PER_HOUR;
  return { offset: from + text.length, prefixes: tooMany ? null : prefixes };
}

/** This isolate's summaries. */
export const edgeCacheSummaries = new CacheSummaries();
