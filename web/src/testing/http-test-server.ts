import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP server on 127.0.0.1 for tests of code that calls fetch. Node only; never imported by the app.

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type TestHandler = (request: RecordedRequest) => TestResponse;

export interface HttpTestServer {
  /** "http://127.0.0.1:<port>" */
  url: string;
  /** Every request received since the last `reset`, oldest first. */
  requests: RecordedRequest[];
  /** Replaces the handler answering the next requests. */
  respondWith(handler: TestHandler): void;
  reset(): void;
  close(): Promise<void>;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): TestResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(value),
  };
}

export async function startHttpTestServer(): Promise<HttpTestServer> {
  let handler: TestHandler = () => jsonResponse(404, { error: { message: "No handler set." } });
  const requests: RecordedRequest[] = [];

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const response = handler(recorded);
      outgoing.writeHead(response.status, response.headers ?? {});
      outgoing.end(response.body ?? "");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(nextHandler) {
      handler = nextHandler;
    },
    reset() {
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
