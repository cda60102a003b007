/**
 * The stand-in's model of Upstash's script locks (https://upstash.com/docs/redis/features/key-locking): a script
 * without `allow-key-locking` runs under the database-wide lock, one at a time and alone; a script with it locks only
 * its KEYS (shared locks when it is also `no-writes` or run read-only), so scripts on disjoint keys run side by side.
 * Plain commands take no key lock but wait while the database-wide lock is held. Grants are first come, first
 * served: a request starts only when it conflicts with neither a holder nor an earlier waiter.
 */

/** What a request locks. */
export type LockRequest =
  | { kind: "global" }
  | { kind: "keys"; keys: readonly string[]; shared: boolean }
  /** A plain command or pipeline: no key lock, but not while the database-wide lock is held. */
  | { kind: "none" };

interface Entry {
  request: LockRequest;
  grant: () => void;
}

function conflicts(left: LockRequest, right: LockRequest): boolean {
  if (left.kind === "global" || right.kind === "global") return true;
  if (left.kind === "none" || right.kind === "none") return false;
  if (left.shared && right.shared) return false;
  return left.keys.some((key) => right.keys.includes(key));
}

/** One store's locks. */
export class ScriptLocks {
  private readonly held = new Set<Entry>();
  private waiting: Entry[] = [];
  /** Highest number of scripts seen holding locks at once (for tests of the model). */
  peakConcurrentScripts = 0;

  /** Runs `task` once the locks are granted and releases them when it settles. */
  async run<T>(request: LockRequest, task: () => Promise<T>): Promise<T> {
    const entry: Entry = { request, grant: () => undefined };
    const granted = new Promise<void>((resolve) => {
      entry.grant = resolve;
    });
    this.waiting.push(entry);
    this.grantWaiting();
    await granted;
    try {
      return await task();
    } finally {
      this.held.delete(entry);
      this.grantWaiting();
    }
  }

  private grantWaiting(): void {
    const stillWaiting: Entry[] = [];
    for (const entry of this.waiting) {
      const blocked =
        [...this.held].some((holder) => conflicts(holder.request, entry.request)) ||
        stillWaiting.some((earlier) => conflicts(earlier.request, entry.request));
      if (blocked) {
        stillWaiting.push(entry);
        continue;
      }
      this.held.add(entry);
      entry.grant();
    }
    this.waiting = stillWaiting;
    const scripts = [...this.held].filter((entry) => entry.request.kind !== "none").length;
    this.peakConcurrentScripts = Math.max(this.peakConcurrentScripts, scripts);
  }
}
