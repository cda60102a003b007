/**
 * Parses Sentry's envelope format (https://develop.sentry.dev/sdk/data-model/envelopes/): a JSON header line, then
 * items, each a JSON item-header line followed by a payload that is either `length` bytes or runs to the next newline.
 */

export interface EnvelopeItem {
  header: Record<string, unknown>;
  /** The payload parsed as JSON, or its text when it is not JSON (attachments). */
  payload: unknown;
}

export interface ParsedEnvelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

const NEWLINE = 0x0a;

/** Throws on a malformed envelope (bad JSON header lines). */
export function parseEnvelope(body: Buffer): ParsedEnvelope {
  let offset = 0;
  const readLine = (): string => {
    const end = body.indexOf(NEWLINE, offset);
    const stop = end === -1 ? body.length : end;
    const line = body.subarray(offset, stop).toString("utf8");
    offset = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = parseObject(readLine());
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = readLine();
    if (!headerLine.trim()) continue;
    const itemHeader = parseObject(headerLine);
    let payloadText: string;
    if (typeof itemHeader.length === "number") {
      payloadText = body.subarray(offset, offset + itemHeader.length).toString("utf8");
      offset += itemHeader.length;
      if (body[offset] === NEWLINE) offset += 1;
    } else {
      payloadText = readLine();
    }
    items.push({ header: itemHeader, payload: parseJsonOrText(payloadText) });
  }
  return { header, items };
}

function parseObject(line: string): Record<string, unknown> {
  const value: unknown = JSON.parse(line);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("envelope header is not a JSON object");
  return value as Record<string, unknown>;
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
