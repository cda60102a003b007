/**
 * A fake Sentry ingest server for tests: accepts envelopes at `POST /api/<project>/envelope/` (what toucan-js and the
 * Sentry SDKs send to a DSN `http://<key>@host:port/<project>`), keeps them in memory, and returns them from
 * `GET /_envelopes` (`DELETE /_envelopes` clears). Tests read them to prove what an error report does and does not
 * carry. It logs sizes and counts only, never payloads.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { parseEnvelope, type EnvelopeItem } from "./envelope.ts";

export interface SentryFakeOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  log?: (line: string) => void;
}

/** One envelope as received. */
export interface ReceivedEnvelope {
  receivedAt: string;
  projectId: string;
  /** Path and query of the ingest request (the query carries the DSN's public key and the SDK name). */
  url: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The whole body as text, for tests that search it. */
  raw: string;
}

export interface SentryFake {
  port: number;
  /** e.g. `http://127.0.0.1:43210` (no trailing slash). */
  url: string;
  /** A DSN pointing at this server, for `projectId` (default 42). */
  dsn(projectId?: string): string;
  envelopes(): ReceivedEnvelope[];
  close(): Promise<void>;
}

/** The oldest envelopes are dropped beyond this, so a long test run cannot grow without bound. */
const MAX_KEPT_ENVELOPES = 1_000;
const INGEST_PATH = /^\/api\/([^/]+)\/envelope\/?$/;

export async function startSentryFake(options: SentryFakeOptions = {}): Promise<SentryFake> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const received: ReceivedEnvelope[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://sentry.local");
    if (url.pathname === "/_envelopes" && (method === "GET" || method === "DELETE")) {
      if (method === "DELETE") received.length = 0;
      sendJson(response, 200, { envelopes: method === "GET" ? received : [] });
      return;
    }
    const ingest = INGEST_PATH.exec(url.pathname);
    if (method !== "POST" || !ingest) {
      sendJson(response, 404, { detail: `no route for ${method} ${url.pathname}` });
      return;
    }
    const body = await readBody(request);
    const text = request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
    let parsed;
    try {
      parsed = parseEnvelope(text);
    } catch {
      log(`POST ${url.pathname} status=400 bytes_in=${body.length} (malformed envelope)`);
      sendJson(response, 400, { detail: "malformed envelope" });
      return;
    }
    received.push({
      receivedAt: new Date().toISOString(),
      projectId: ingest[1] ?? "",
      url: `${url.pathname}${url.search}`,
      ...parsed,
      raw: text.toString("utf8"),
    });
    if (received.length > MAX_KEPT_ENVELOPES) received.splice(0, received.length - MAX_KEPT_ENVELOPES);
    log(`POST ${url.pathname} status=200 bytes_in=${body.length} items=${parsed.items.length}`);
    sendJson(response, 200, { id: typeof parsed.header.event_id === "string" ? parsed.header.event_id : null });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { detail: "fake sentry failed" });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  return {
    port,
    url,
    dsn: (projectId = "42") => `http://publickey@${host}:${port}/${projectId}`,
    envelopes: () => [...received],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  response.writeHead(status, { "content-type": "application/json", "content-length": String(bytes.length) });
  response.end(bytes);
}
