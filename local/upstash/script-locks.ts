/**
 * The stand-in's model of Upstash's script locks (https://upstash.com/docs/redis/features/key-locking): a script
 * without `allow-key-locking` runs under the database-wide lock, one at a time and alone; a script with it locks only
 * its KEYS (shared locks when it is also `no-writes` or run read-only), so scripts on disjoint keys run side by side.
 * Plain commands take no key lock but wait while the database-wide lock is held. Grants are first come, first
 * served: a request starts only when it conflicts with neither a holder nor an earlier waiter.
 * For tests and benches it records who waited on what: each script that had to wait, by the keys it shared with the
 * request it waited behind (a service-wide serialisation point shows up as one key every account waits on), and the
 * peak concurrency per script label (a script's SHA-1, so a test can see two runs of one script overlap).
 */

/** What a request locks. */
export type LockRequest =
  | { kind: "global" }
  | { kind: "keys"; keys: readonly string[]; shared: boolean; label?: string }
  /** A plain command or pipeline: no key lock, but not while the database-wide lock is held. */
  | { kind: "none" };

interface Entry {
  request: LockRequest;
  grant: () => void;
  waited: boolean;
}

/** What two conflicting requests share: "*" for the database-wide lock, else their common keys, sorted, joined. */
function conflictOf(left: LockRequest, right: LockRequest): string {
  if (left.kind !== "keys" || right.kind !== "keys") return "*";
  return [...new Set(left.keys.filter((key) => right.keys.includes(key)))].sort().join(" ");
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
  /** Highest number of holders at once per request label (a script's SHA-1). */
  readonly peakByLabel = new Map<string, number>();
  /** Scripts that could not start at once because of another request's lock. */
  scriptsThatWaited = 0;
  /** Those waits per conflict (conflictOf the script and the first request it waited behind). */
  readonly waitsByConflict = new Map<string, number>();

  /** Runs `task` once the locks are granted and releases them when it settles. */
  async run<T>(request: LockRequest, task: () => Promise<T>): Promise<T> {
    const entry: Entry = { request, grant: () => undefined, waited: false };
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
      const blocker =
        [...this.held].find((holder) => conflicts(holder.request, entry.request)) ??
        stillWaiting.find((earlier) => conflicts(earlier.request, entry.request));
      if (blocker) {
        if (!entry.waited && entry.request.kind !== "none") this.recordWait(entry.request, blocker.request);
        entry.waited = true;
        stillWaiting.push(entry);
        continue;
      }
      this.held.add(entry);
      entry.grant();
    }
    this.waiting = stillWaiting;
    const scripts = [...this.held].filter((entry) => entry.request.kind !== "none").length;
    this.peakConcurrentScripts = Math.max(this.peakConcurrentScripts, scripts);
    const byLabel = new Map<string, number>();
    for (const { request } of this.held) {
      if (request.kind === "keys" && request.label) byLabel.set(request.label, (byLabel.get(request.label) ?? 0) + 1);
    }
    for (const [label, count] of byLabel) {
      this.peakByLabel.set(label, Math.max(this.peakByLabel.get(label) ?? 0, count));
    }
  }

  private recordWait(waiter: LockRequest, blocker: LockRequest): void {
    this.scriptsThatWaited += 1;
    const conflict = conflictOf(waiter, blocker);
    this.waitsByConflict.set(conflict, (this.waitsByConflict.get(conflict) ?? 0) + 1);
  }
}
