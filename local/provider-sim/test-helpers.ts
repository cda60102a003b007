/** Shared helpers for the provider simulator's tests. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startProviderSimulator, type ProviderSimulator } from "./server.ts";

/** Starts one simulator for the test file (cleared before each test); read `.url` inside tests. */
export function useSimulator(): { readonly url: string } {
  let simulator: ProviderSimulator | undefined;
  beforeAll(async () => {
    simulator = await startProviderSimulator({ port: 0 });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  beforeEach(async () => {
    if (simulator) await fetch(`${simulator.url}/_sim/requests`, { method: "DELETE" });
  });
  return {
    get url(): string {
      if (!simulator) throw new Error("simulator not started");
      return simulator.url;
    },
  };
}

/** Posts JSON and returns the response. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Reads an SSE response body into its `data:` payloads (and event names), using eventsource-parser. */
export async function readSse(response: Response): Promise<Array<{ event: string | undefined; data: string }>> {
  const { createParser } = await import("eventsource-parser");
  const messages: Array<{ event: string | undefined; data: string }> = [];
  const parser = createParser({ onEvent: (message) => messages.push({ event: message.event, data: message.data }) });
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  if (!reader) return messages;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return messages;
}
