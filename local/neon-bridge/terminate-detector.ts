const sslRequestCode = 80_877_103;
const gssEncryptionRequestCode = 80_877_104;
const cancelRequestCode = 80_877_102;
const terminateType = 0x58; // 'X'

/**
 * Follows the framing of the client-to-server Postgres stream (never its content) to find the Terminate
 * message ('X', Int32 4). It reads only message headers and counts body bytes, so it copies nothing.
 *
 * Once the stream is something it cannot follow (an SSL/GSS encryption request, a cancel request, or a
 * malformed length) it stops looking and never reports a Terminate; the bridge then just relays bytes.
 */
export class TerminateDetector {
  private phase: "startup" | "typed" | "opaque" = "startup";
  private readonly header = new Uint8Array(8);
  private headerFilled = 0;
  private bodyRemaining = 0;

  /**
   * Feeds the next chunk sent by the client. Returns the offset just past the end of a Terminate message
   * that completes inside this chunk, or -1 when none does.
   */
  observe(chunk: Uint8Array): number {
    let offset = 0;
    while (offset < chunk.length && this.phase !== "opaque") {
      if (this.bodyRemaining > 0) {
        const skipped = Math.min(this.bodyRemaining, chunk.length - offset);
        this.bodyRemaining -= skipped;
        offset += skipped;
        continue;
      }
      const headerSize = this.phase === "startup" ? 8 : 5;
      const copied = Math.min(headerSize - this.headerFilled, chunk.length - offset);
      this.header.set(chunk.subarray(offset, offset + copied), this.headerFilled);
      this.headerFilled += copied;
      offset += copied;
      if (this.headerFilled < headerSize) break;
      this.headerFilled = 0;
      if (this.phase === "startup") this.readStartupHeader();
      else if (this.readTypedHeader()) return offset;
    }
    return -1;
  }

  private readStartupHeader(): void {
    const view = new DataView(this.header.buffer);
    const length = view.getInt32(0);
    const code = view.getInt32(4);
    const unfollowable = [sslRequestCode, gssEncryptionRequestCode, cancelRequestCode].includes(code);
    if (length < 8 || unfollowable) {
      this.phase = "opaque";
      return;
    }
    this.bodyRemaining = length - 8;
    this.phase = "typed";
  }

  /** Returns true when the header just read is a complete Terminate message. */
  private readTypedHeader(): boolean {
    const view = new DataView(this.header.buffer);
    const type = view.getUint8(0);
    const length = view.getInt32(1);
    if (length < 4) {
      this.phase = "opaque";
      return false;
    }
    this.bodyRemaining = length - 4;
    return type === terminateType && length === 4;
  }
}
