const protocolVersion3 = 196_608;
const sslRequestCode = 80_877_103;
const gssEncryptionRequestCode = 80_877_104;
const cancelRequestCode = 80_877_102;

/** Message types after which the client waits for the server, so a unit of work ends there. */
const unitBoundaries = new Set(["S", "Q", "H"]);

/** What the reader found in the bytes a client sent. */
export type FrontendEvent =
  | { kind: "encryption-request" }
  | { kind: "cancel-request" }
  | { kind: "startup"; bytes: Buffer }
  /** Complete messages up to and including a Sync, Query or Flush; `boundary` is that message's type. */
  | { kind: "unit"; bytes: Buffer; boundary: string }
  /** The client sent Terminate; `bytes` are complete messages that came before it in the same unit. */
  | { kind: "terminate"; bytes: Buffer }
  | { kind: "protocol-error"; reason: string };

/**
 * Splits the client-to-server Postgres byte stream into whole units of work: the startup message on its
 * own, then runs of messages that each end where the client waits for an answer (Sync, Query, Flush).
 * Guarantees that a unit is never split, however the TCP stream was chunked.
 */
export class FrontendReader {
  private buffered = Buffer.alloc(0);
  /** Chunks not yet joined into `buffered`, kept apart so a large message is joined once, not per chunk. */
  private waitingChunks: Buffer[] = [];
  private waitingLength = 0;
  /** Bytes needed before the next message is complete (0 when unknown). */
  private needed = 0;
  private started = false;
  private unitMessages: Buffer[] = [];

  /** Adds bytes and returns the events that became complete. */
  push(chunk: Buffer): FrontendEvent[] {
    this.waitingChunks.push(chunk);
    this.waitingLength += chunk.length;
    if (this.buffered.length + this.waitingLength < this.needed) return [];
    this.buffered = Buffer.concat([this.buffered, ...this.waitingChunks.splice(0)]);
    this.waitingLength = 0;
    this.needed = 0;
    const events: FrontendEvent[] = [];
    for (;;) {
      const event = this.started ? this.readTyped() : this.readStartup();
      if (event === undefined) return events;
      if (event === "continue") continue;
      events.push(event);
      if (event.kind === "protocol-error" || event.kind === "terminate" || event.kind === "cancel-request") {
        return events;
      }
    }
  }

  private take(length: number): Buffer {
    const message = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return message;
  }

  private readStartup(): FrontendEvent | undefined {
    if (this.buffered.length < 8) return undefined;
    const length = this.buffered.readInt32BE(0);
    const code = this.buffered.readInt32BE(4);
    if (length < 8 || length > 10_000) return { kind: "protocol-error", reason: "bad startup length" };
    if (this.buffered.length < length) return undefined;
    const message = this.take(length);
    if (code === sslRequestCode || code === gssEncryptionRequestCode) return { kind: "encryption-request" };
    if (code === cancelRequestCode) return { kind: "cancel-request" };
    if (code !== protocolVersion3) return { kind: "protocol-error", reason: `unsupported protocol ${code}` };
    this.started = true;
    return { kind: "startup", bytes: Buffer.from(message) };
  }

  private readTyped(): FrontendEvent | "continue" | undefined {
    if (this.buffered.length < 5) return undefined;
    const type = String.fromCharCode(this.buffered[0] ?? 0);
    const length = this.buffered.readInt32BE(1);
    if (length < 4) return { kind: "protocol-error", reason: "bad message length" };
    if (this.buffered.length < 1 + length) {
      this.needed = 1 + length;
      return undefined;
    }
    const message = this.take(1 + length);
    if (type === "X") return { kind: "terminate", bytes: this.flushUnit() };
    this.unitMessages.push(message);
    if (!unitBoundaries.has(type)) return "continue";
    return { kind: "unit", bytes: this.flushUnit(), boundary: type };
  }

  private flushUnit(): Buffer {
    const bytes = Buffer.concat(this.unitMessages);
    this.unitMessages = [];
    return bytes;
  }
}
