/**
 * A stale-while-revalidate map kept in the isolate's memory (pure data at module scope: it tolerates loss, an evicted
 * isolate simply starts empty). The rule, with `age` the time since the value was read from its source:
 * - `age < freshMs`: served as is;
 * - `freshMs <= age < maxStaleMs`: served, and one refresh per key is started in the background (`waitUntil`);
 * - `age >= maxStaleMs`, or nothing held: the caller waits for a read.
 * So no value older than `maxStaleMs` is ever served: a change in the source is seen by every isolate within
 * `maxStaleMs` plus the time of one read (and, on Upstash Global, the replica's replication lag).
 * A read that returns null (nothing at the source) forgets the key; a failed background refresh keeps the old value
 * until `maxStaleMs`, after which the caller's own read fails and reports it.
 */

export interface KeyRecordCacheOptions {
  freshMs: number;
  maxStaleMs: number;
  /** Past this many keys the oldest entries are dropped (a Map iterates in insertion order). */
  maxEntries: number;
  now: () => number;
}

interface Held<Value> {
  value: Value;
  readAt: number;
  refreshing: boolean;
}

export class KeyRecordCache<Value> {
  private readonly held = new Map<string, Held<Value>>();
  /** Bumped by every forget: a read that started before one is returned but not kept (it may predate the change). */
  private epoch = 0;

  constructor(private readonly options: KeyRecordCacheOptions) {}

  /**
   * The value for `key`: from memory under the rule above, else from `read` (null = the source has none; nothing is
   * kept then). `background` receives the refresh of a stale value, so it outlives the request.
   */
  async get(
    key: string,
    read: () => Promise<Value | null>,
    background: (work: Promise<unknown>) => void,
  ): Promise<Value | null> {
    const held = this.held.get(key);
    const now = this.options.now();
    if (held && now - held.readAt < this.options.maxStaleMs) {
      if (now - held.readAt >= this.options.freshMs && !held.refreshing) {
        held.refreshing = true;
        background(
          this.load(key, read).catch(() => {
            held.refreshing = false;
          }),
        );
      }
      return held.value;
    }
    return this.load(key, read);
  }

  /** Stores a value just read from the source elsewhere (e.g. a record filled from Postgres by admission). */
  put(key: string, value: Value): void {
    this.held.delete(key);
    this.held.set(key, { value, readAt: this.options.now(), refreshing: false });
    while (this.held.size > this.options.maxEntries) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) break;
      this.held.delete(oldest);
    }
  }

  /** The value held for `key`, whatever its age (no read, no refresh). */
  peek(key: string): Value | null {
    return this.held.get(key)?.value ?? null;
  }

  /** Drops the key (this isolate learnt that the source changed). */
  forget(key: string): void {
    this.epoch += 1;
    this.held.delete(key);
  }

  /** Drops everything (tests). */
  clear(): void {
    this.epoch += 1;
    this.held.clear();
  }

  private async load(key: string, read: () => Promise<Value | null>): Promise<Value | null> {
    const epoch = this.epoch;
    const value = await read();
    if (epoch !== this.epoch) return value;
    if (value === null) this.held.delete(key);
    else this.put(key, value);
    return value;
  }
}
