const encoder = new TextEncoder();

/** One SSE `data:` event. JSON never contains raw newlines, so one line suffices. */
export function encodeData(value: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(value)}\n\n`);
}

/** One SSE `data:` event from data that is already JSON text on one line. */
export function encodeDataText(json: string): Uint8Array {
  return encoder.encode(`data: ${json}\n\n`);
}

export const DONE_EVENT = encoder.encode("data: [DONE]\n\n");
