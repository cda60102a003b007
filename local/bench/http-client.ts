/**
 * The benchmark's HTTP client: `node:http` with one keep-alive agent, used the same way for the gateway and for the
 * provider simulator, timing each request from the call to the last body byte. Response bodies are counted, never
 * kept.
 */
import { Agent, request } from "node:http";

/** What one timed request observed (times in milliseconds since the request started). */
export interface TimedResponse {
  status: number;
  /** Time until the response headers arrived. */
  headersMs: number;
  /** Time until the first body byte arrived (the headers time for an empty body). */
  firstByteMs: number;
  /** Time until the body ended. */
  totalMs: number;
  bodyBytes: number;
  /** The `x-omnizen-cache` response header, if any. */
  cacheHeader: string | undefined;
  /** The `retry-after` response header, if any. */
  retryAfter?: string | undefined;
}

/** A failed request: the connection broke or timed out before the body ended. */
export interface FailedRequest {
  error: string;
  totalMs: number;
}

/** One request to send: a POST of a prepared JSON body, or a GET without one. */
export interface PreparedRequest {
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A keep-alive client shared by both paths. */
export class BenchClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  /** `maxSockets` bounds the connections per origin; it must be at least the highest concurrency. */
  constructor(options: { maxSockets: number; timeoutMs: number; keepAlive?: boolean }) {
    this.#agent = new Agent({
      keepAlive: options.keepAlive ?? true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      scheduling: "lifo",
    });
    this.#timeoutMs = options.timeoutMs;
  }

  /** Sends one request and resolves with its timings, or with a {@link FailedRequest}; never rejects. */
  send(prepared: PreparedRequest): Promise<TimedResponse | FailedRequest> {
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    return new Promise((resolve) => {
      let settled = false;
      const fail = (reason: string): void => {
        if (settled) return;
        settled = true;
        resolve({ error: reason, totalMs: elapsed() });
      };
      const outgoing = request(
        prepared.url,
        {
          method: prepared.body ? "POST" : "GET",
          agent: this.#agent,
          headers: prepared.body
            ? {
                ...prepared.headers,
                "content-type": "application/json",
                "content-length": String(prepared.body.length),
              }
            : prepared.headers,
          timeout: this.#timeoutMs,
        },
        (incoming) => {
          const headersMs = elapsed();
          let firstByteMs: number | undefined;
          let bodyBytes = 0;
          incoming.on("data", (chunk: Buffer) => {
            firstByteMs ??= elapsed();
            bodyBytes += chunk.length;
          });
          incoming.on("end", () => {
            if (settled) return;
            settled = true;
            const cache = incoming.headers["x-omnizen-cache"];
            resolve({
              status: incoming.statusCode ?? 0,
              headersMs,
              firstByteMs: firstByteMs ?? headersMs,
              totalMs: elapsed(),
              bodyBytes,
              cacheHeader: Array.isArray(cache) ? cache.join(",") : cache,
              retryAfter: incoming.headers["retry-after"],
            });
          });
          incoming.on("error", (error) =>
            fail(error.name === "Error" ? ((error as NodeJS.ErrnoException).code ?? "response error") : error.name),
          );
          incoming.on("aborted", () => fail("response aborted"));
        },
      );
      outgoing.on("timeout", () => {
        outgoing.destroy();
        fail("timeout");
      });
      outgoing.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
      if (prepared.body) outgoing.end(prepared.body);
      else outgoing.end();
    });
  }

  /** Closes every pooled connection. */
  close(): void {
    this.#agent.destroy();
  }
}

/** Whether a result is a failure rather than a response. */
export function isFailure(result: TimedResponse | FailedRequest): result is FailedRequest {
  return "error" in result;
}
