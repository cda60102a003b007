/**
 * A first-come, first-served lock that one session may hold across several steps (for the whole of a
 * transaction). `acquire` by the current holder resolves at once; `release` by anyone else is ignored.
 */
export class SessionLock {
  private holder: number | undefined;
  private readonly waiting: Array<{ sessionId: number; grant: () => void }> = [];

  /** The session that holds the lock, if any. */
  get heldBy(): number | undefined {
    return this.holder;
  }

  /** Resolves once `sessionId` holds the lock. */
  acquire(sessionId: number): Promise<void> {
    if (this.holder === undefined || this.holder === sessionId) {
      this.holder = sessionId;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ sessionId, grant }));
  }

  /** Hands the lock to the next waiting session, if `sessionId` holds it. */
  release(sessionId: number): void {
    if (this.holder !== sessionId) return;
    const next = this.waiting.shift();
    this.holder = next?.sessionId;
    next?.grant();
  }
}
