/** Reads what the provider simulator reported, to compare the gateway's books with the upstream's own numbers. */
import { inject } from "vitest";

export interface SimulatorEntry {
  provider: string;
  path: string;
  model: string | null;
  stream: boolean;
  stream_options: { include_usage?: boolean } | null;
  anthropic_beta: string | null;
  usage: {
    prompt_tokens: number;
    cached_tokens: number;
    cache_write_tokens: number;
    completion_tokens: number;
    reasoning_tokens: number;
  } | null;
  outcome: string;
  body?: unknown;
}

export function simulatorUrl(): string {
  return inject("simulatorUrl");
}

/** The simulator's log entries whose request body contains `marker` (a per-test nonce). */
export async function simulatorEntries(marker: string): Promise<SimulatorEntry[]> {
  const response = await fetch(`${simulatorUrl()}/_sim/requests?body=1`);
  const { requests } = (await response.json()) as { requests: SimulatorEntry[] };
  return requests.filter((entry) => JSON.stringify(entry.body ?? null).includes(marker));
}

export const nonce = (): string => crypto.randomUUID().replaceAll("-", "").slice(0, 16);
