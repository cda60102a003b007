const encoder = new TextEncoder();

/** One SSE `data:` event. JSON never contains raw newlines, so one line suffices. */
export function encodeData(value: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(value)}\n\n`);
}

/** What precedes an event's one-line data, and what ends the event: to send data already in bytes. */
export const DATA_PREFIX = encoder.encode("data: ");
export const EVENT_END = encoder.encode("\n\n");

export const DONE_EVENT = encoder.encode("data: [DONE]\n\n");
