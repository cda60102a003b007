/**
 * In-memory record of the last requests the simulator received (metadata only; the parsed body is kept for tests
 * that ask for it with `GET /_sim/requests?body=1`, and is never logged).
 */

/** Which credential a request carried: the header (or `query:key`) and the credential's length, never its value. */
export interface AuthSummary {
  header: "authorization" | "x-api-key" | "x-goog-api-key" | "query:key";
  /** Length of the credential: for `Authorization: Bearer <key>` the length of `<key>`. */
  credential_length: number;
}

/** Token counts the simulator reported for a request (absent when it answered with an error). */
export interface ReportedUsage {
  prompt_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
}

/** One recorded request. */
export interface RequestLogEntry {
  id: number;
  time: string;
  provider: string;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  stream_options: unknown;
  auth: AuthSummary | null;
  anthropic_version: string | null;
  /** The `anthropic-beta` header as received (betas are feature names, not content). */
  anthropic_beta: string | null;
  body_bytes: number;
  status: number | null;
  /** What the simulated upstream reported as usage (for streams, what it would report if the stream completes). */
  usage: ReportedUsage | null;
  /** How the exchange ended: "completed", "error", "disconnected" (by the simulator), "client_closed". */
  outcome: string | null;
  /** Epoch ms at which the client closed the connection before the answer was complete (null if it never did). */
  client_closed_at: number | null;
  /** Epoch ms at which the exchange ended (answer complete, or the connection closed); null while in flight. */
  finished_at: number | null;
  /** The parsed JSON body; only included in `GET /_sim/requests?body=1`. */
  body?: unknown;
}

/** A ring buffer of the last `capacity` request entries. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 200) {}

  /** Starts a new entry and returns it for the caller to fill in as the exchange proceeds. */
  add(fields: Omit<RequestLogEntry, "id" | "time" | "finished_at">): RequestLogEntry {
    const entry: RequestLogEntry = { id: this.nextId++, time: new Date().toISOString(), ...fields, finished_at: null };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    return entry;
  }

  /** Entries oldest first; with `includeBodies` false the `body` field is left out. */
  list(includeBodies: boolean): RequestLogEntry[] {
    return this.entries.map((entry) => {
      if (includeBodies) return { ...entry };
      const { body: _body, ...rest } = entry;
      return rest;
    });
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.length = 0;
  }
}
