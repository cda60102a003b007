/**
 * The provider simulator's HTTP server: answers like DeepSeek, Z.ai, Qwen, MiniMax, Moonshot, OpenAI, Anthropic
 * and Gemini under `/{provider}/...`, plus `GET /healthz` and `GET|DELETE /_sim/requests`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runExchange } from "./exchange.ts";
import { readBody, sendJson } from "./http-utils.ts";
import { RequestLog } from "./request-log.ts";
import { dialectForPrefix, matchRoute } from "./routes.ts";

/** Options of {@link startProviderSimulator}. */
export interface ProviderSimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Receives one line per request (method, path, provider, model, status, sizes; never prompt or reply text). */
  log?: (line: string) => void;
}

/** A running simulator. */
export interface ProviderSimulator {
  port: number;
  /** e.g. `http://127.0.0.1:8790` (no trailing slash). */
  url: string;
  /** Stops listening and drops every open connection (including stalled streams). */
  close(): Promise<void>;
}

/** Starts the provider simulator. */
export async function startProviderSimulator(options: ProviderSimulatorOptions = {}): Promise<ProviderSimulator> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const requestLog = new RequestLog(200);
  const shutdown = new AbortController();
  let requestNumber = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(request.url ?? "/", "http://simulator.local");
    const method = request.method ?? "GET";
    const body = await readBody(request);
    const logLine = (status: number | null, extra: string, bytesOut: number): void =>
      log(
        `${method} ${url.pathname} ${extra}status=${status ?? "-"} bytes_in=${body.length} bytes_out=${bytesOut} ms=${Date.now() - started}`,
      );

    if (method === "GET" && url.pathname === "/healthz") {
      logLine(200, "", sendJson(response, 200, { ok: true }));
      return;
    }
    if (url.pathname === "/_sim/requests" && (method === "GET" || method === "DELETE")) {
      if (method === "DELETE") requestLog.clear();
      const entries = method === "GET" ? requestLog.list(url.searchParams.get("body") === "1") : [];
      logLine(200, "", sendJson(response, 200, { requests: entries }));
      return;
    }
    const route = matchRoute(method, url.pathname);
    if (!route) {
      const dialect = dialectForPrefix(url.pathname);
      const message = `Unknown path ${method} ${url.pathname} on the provider simulator.`;
      const answer = dialect ? dialect.errorReply(404, message) : { status: 404, body: { error: { message } } };
      logLine(404, "", sendJson(response, 404, answer.body));
      return;
    }
    const closed = new AbortController();
    response.on("close", () => closed.abort());
    requestNumber += 1;
    const result = await runExchange({
      request,
      response,
      url,
      body,
      provider: route.provider,
      dialect: route.dialect,
      operation: route.operation,
      requestNumber,
      requestLog,
      signal: AbortSignal.any([closed.signal, shutdown.signal]),
    });
    const { entry } = result;
    logLine(
      entry.status,
      `provider=${entry.provider} model=${entry.model ?? "-"} stream=${entry.stream} outcome=${entry.outcome ?? "-"} `,
      result.bytesOut,
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`internal error: ${(error as Error).name}`);
      if (!response.headersSent) sendJson(response, 500, { error: { message: "provider simulator internal error" } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
