/**
 * Splits an SSE byte stream at event boundaries without decoding it, so a pass-through can forward every event's
 * bytes exactly as received and replace only the one it must (the final usage event, with the cost added).
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation: lines end with CRLF,
 * LF or CR; an empty line ends an event. A CR that ends an event is kept with the LF that may follow it.
 */
const LF = 0x0a;
const CR = 0x0d;
/** What is held between events, most of the time: shared, never written to (no allocation per read). */
const NOTHING = new Uint8Array(0);

export interface SseEventSplitter {
  /** The complete pieces so far, each ending at an event boundary (comment-only pieces included); keeps the rest. */
  push(bytes: Uint8Array): Uint8Array[];
  /** What is left at the end of the stream (an unterminated last event), if anything. */
  flush(): Uint8Array[];
}

export function createSseEventSplitter(): SseEventSplitter {
  let held: Uint8Array = NOTHING;
  /** Scan position in `held`, bytes of the current line so far, and whether the last byte was a CR. */
  let scanned = 0;
  let lineLength = 0;
  let afterCr = false;
  /** A CR ended an event: the cut waits for the next byte, to keep a CRLF's LF in the same piece. */
  let cutAfterCr = false;

  return {
    push(bytes) {
      if (bytes.byteLength === 0) return [];
      // No copy when nothing is held (the common case: reads that end at an event's end); pieces are views.
      if (held.byteLength === 0) held = bytes;
      else {
        const joined = new Uint8Array(held.byteLength + bytes.byteLength);
        joined.set(held);
        joined.set(bytes, held.byteLength);
        held = joined;
      }
      const pieces: Uint8Array[] = [];
      let start = 0;
      const cut = (end: number) => {
        pieces.push(held.subarray(start, end));
        start = end;
      };
      // Without CRs (what upstreams send), an event ends at an LF that ends an empty line: found by the native
      // indexOf instead of a JavaScript loop over every byte.
      if (!afterCr && !cutAfterCr && held.indexOf(CR, scanned) === -1) {
        let lineStart = scanned - lineLength;
        for (let at = held.indexOf(LF, scanned); at !== -1; at = held.indexOf(LF, at + 1)) {
          if (at === lineStart) cut(at + 1);
          lineStart = at + 1;
        }
        lineLength = held.byteLength - lineStart;
        held = start === held.byteLength ? NOTHING : held.slice(start);
        scanned = held.byteLength;
        return pieces;
      }
      for (let index = scanned; index < held.byteLength; index += 1) {
        const byte = held[index];
        if (cutAfterCr) {
          cutAfterCr = false;
          if (byte === LF) {
            afterCr = false;
            cut(index + 1);
            continue;
          }
          cut(index);
        }
        if (byte === LF && afterCr) {
          // The LF of a CRLF whose CR already ended the line.
          afterCr = false;
          continue;
        }
        if (byte === LF || byte === CR) {
          const emptyLine = lineLength === 0;
          lineLength = 0;
          afterCr = byte === CR;
          if (!emptyLine) continue;
          if (byte === CR) cutAfterCr = true;
          else cut(index + 1);
          continue;
        }
        afterCr = false;
        lineLength += 1;
      }
      // The rest is copied, so a held tail never pins the whole read.
      held = start === held.byteLength ? NOTHING : held.slice(start);
      scanned = held.byteLength;
      return pieces;
    },
    flush() {
      const rest = held;
      held = NOTHING;
      scanned = 0;
      return rest.byteLength > 0 ? [rest] : [];
    },
  };
}

/** One SSE message with its `id:` and `event:` lines as parsed, and the given one-line data. */
export function encodeEventMessage(message: { id?: string | undefined; event?: string | undefined }, data: string) {
  const id = message.id === undefined ? "" : `id: ${message.id}\n`;
  const event = message.event === undefined ? "" : `event: ${message.event}\n`;
  return new TextEncoder().encode(`${id}${event}data: ${data}\n\n`);
}
