/** Reads what the fake Sentry (local/sentry-fake) received, to check what the worker's error reports carry. */
import { inject } from "vitest";

/** One event inside an envelope, as far as the tests look at it. */
export interface ReportedEvent {
  event_id?: string;
  environment?: string;
  tags?: Record<string, string>;
  request?: { url?: string; method?: string; headers?: Record<string, string>; [field: string]: unknown };
  exception?: { values?: Array<{ type?: string; value?: string; stacktrace?: { frames?: unknown[] } }> };
  user?: unknown;
}

export interface ReceivedEnvelope {
  url: string;
  header: Record<string, unknown>;
  items: Array<{ header: { type?: string }; payload: unknown }>;
  /** The whole envelope body as received. */
  raw: string;
}

export async function sentryEnvelopes(): Promise<ReceivedEnvelope[]> {
  const response = await fetch(`${inject("sentryFakeUrl")}/_envelopes`);
  return ((await response.json()) as { envelopes: ReceivedEnvelope[] }).envelopes;
}

/** The error event of an envelope, if it holds one. */
export function eventOf(envelope: ReceivedEnvelope): ReportedEvent | undefined {
  const item = envelope.items.find((entry) => entry.header.type === "event");
  return item ? (item.payload as ReportedEvent) : undefined;
}

/** Envelopes whose event is tagged with `requestId`. */
export async function envelopesFor(requestId: string): Promise<ReceivedEnvelope[]> {
  return (await sentryEnvelopes()).filter((envelope) => eventOf(envelope)?.tags?.request_id === requestId);
}

/** Polls the fake Sentry until an envelope tagged with `requestId` arrives (sent in the worker's waitUntil). */
export async function waitForSentryEnvelope(requestId: string, timeoutMs = 10_000): Promise<ReceivedEnvelope> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [envelope] = await envelopesFor(requestId);
    if (envelope) return envelope;
    if (Date.now() > deadline) throw new Error(`no Sentry envelope for ${requestId} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
