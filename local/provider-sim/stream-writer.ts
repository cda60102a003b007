/** Writes a dialect's SSE events with the timing and fault directives applied. */
import type { ServerResponse } from "node:http";
import type { StreamEvent } from "./dialect.ts";
import { sleep, waitForAbort } from "./http-utils.ts";

/** Timing and faults for one stream. */
export interface StreamControls {
  delayMs: number;
  stallAfter?: number | undefined;
  disconnectAfter?: number | undefined;
  errorAfter?: number | undefined;
  /** Write each SSE message in pieces of at most this many bytes (1 ms apart), splitting UTF-8 characters. */
  fragmentBytes?: number | undefined;
  /** Pause between the pieces of a fragmented message (default 1 ms): a slow drip. */
  dripMs?: number | undefined;
  /** After this many content events, one event whose data is not JSON, then the rest of the stream. */
  malformedAfter?: number | undefined;
  /** Pause before each trailer event after the first. */
  trailerDelayMs?: number | undefined;
  /** The in-stream error message text, used when `errorAfter` triggers. */
  errorEvent: string;
  /** Aborts when the client goes away (or the server shuts down). */
  signal: AbortSignal;
}

/** What `malformed_after` writes: a data line that is not JSON (cut off mid-object). */
export const MALFORMED_EVENT = 'data: {"id":"sim-malformed","choices":[{"delta":{"content":"cut\n\n';

/** How a stream ended. */
export type StreamOutcome = "completed" | "error" | "disconnected" | "client_closed";

/**
 * Writes the events. Once `N` content events have gone out, the first later content or trailer event triggers
 * the fault instead: `stall_after` hangs without closing until the client leaves, `disconnect_after` destroys the
 * socket, `error_after` writes the in-stream error and ends, `malformed_after` writes one non-JSON event and goes on.
 * When nothing follows the N-th content event, the fault still happens at the end (so the stream never ends
 * cleanly); N larger than the number of content events counts as that number. `delay_ms` is waited before every
 * content event but the first, `trailer_delay_ms` before every trailer event but the first. Returns the outcome and
 * the bytes written.
 */
export async function writeEventStream(
  response: ServerResponse,
  events: readonly StreamEvent[],
  controls: StreamControls,
): Promise<{ outcome: StreamOutcome; bytes: number }> {
  let contentSent = 0;
  let bytes = 0;
  const contentTotal = events.filter((event) => event.kind === "content").length;
  const clamp = (count: number | undefined): number | undefined =>
    count === undefined ? undefined : Math.min(count, contentTotal);
  const stallAfter = clamp(controls.stallAfter);
  const disconnectAfter = clamp(controls.disconnectAfter);
  const errorAfter = clamp(controls.errorAfter);
  const malformedAfter = clamp(controls.malformedAfter);
  let malformedSent = false;
  let trailersSent = 0;
  let flushed: Promise<void> = Promise.resolve();
  const writeBytes = (piece: Buffer | string): void => {
    flushed = new Promise((resolve) => response.write(piece, () => resolve()));
  };
  const write = async (text: string): Promise<void> => {
    const encoded = Buffer.from(text, "utf8");
    bytes += encoded.length;
    if (controls.fragmentBytes === undefined) return writeBytes(encoded);
    for (let start = 0; start < encoded.length; start += controls.fragmentBytes) {
      if (start > 0) {
        await flushed;
        await sleep(controls.dripMs ?? 1, controls.signal);
      }
      writeBytes(encoded.subarray(start, start + controls.fragmentBytes));
    }
  };
  const fault = async (): Promise<StreamOutcome | null> => {
    if (stallAfter === contentSent) {
      await waitForAbort(controls.signal);
      return "client_closed";
    }
    if (disconnectAfter === contentSent) {
      // Let what was written reach the client first, so it sees exactly N chunks and then a dead connection.
      await flushed;
      await sleep(10, controls.signal);
      response.socket?.destroy();
      response.destroy();
      return "disconnected";
    }
    if (errorAfter === contentSent) {
      await write(controls.errorEvent);
      response.end();
      return "error";
    }
    if (malformedAfter === contentSent && !malformedSent) {
      malformedSent = true;
      await write(MALFORMED_EVENT);
    }
    return null;
  };
  for (const event of events) {
    if (controls.signal.aborted) return { outcome: "client_closed", bytes };
    if (event.kind !== "structure") {
      const outcome = await fault();
      if (outcome) return { outcome, bytes };
    }
    if (event.kind === "content") {
      if (contentSent > 0) await sleep(controls.delayMs, controls.signal);
      if (controls.signal.aborted) return { outcome: "client_closed", bytes };
      contentSent += 1;
    }
    if (event.kind === "trailer") {
      if (trailersSent > 0) await sleep(controls.trailerDelayMs ?? 0, controls.signal);
      if (controls.signal.aborted) return { outcome: "client_closed", bytes };
      trailersSent += 1;
    }
    await write(event.text);
  }
  const lateFault = await fault();
  if (lateFault) return { outcome: lateFault, bytes };
  response.end();
  return { outcome: "completed", bytes };
}
