import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { bridgeConnection, type BridgedConnection } from "./connection.ts";
import { checkLoopbackTarget } from "./target.ts";

/** Options for {@link startNeonBridge}. */
export type NeonBridgeOptions = {
  /** Port to listen on; 0 or undefined picks an ephemeral port. */
  port?: number;
  /** Interface to listen on; defaults to 127.0.0.1. */
  host?: string;
  /** Receives one line per event (connection id, target, byte counts); defaults to console.log. */
  log?: (line: string) => void;
  /**
   * The geo model's caller-to-Postgres round trip, in ms (default 0): the WebSocket handshake and every reply from
   * Postgres wait this long. Also `setRttMs` and `POST /_geo` with `{"rttMs": n}`.
   */
  rttMs?: number;
};

/** A running bridge. */
export type NeonBridge = {
  port: number;
  /** `ws://host:port`; the driver's wsProxy should be `${host}:${port}/v2?address=${pgHost}:${pgPort}`. */
  url: string;
  /**
   * Fault injection for tests: cuts the link to Postgres (every live connection is torn down and new WebSocket
   * upgrades are refused with 503) until `restore()`. Also `POST /_fault` with `{"cut": true|false}`.
   */
  cut(): void;
  restore(): void;
  /** Sets the modelled round trip (ms) for new handshakes and replies. */
  setRttMs(rttMs: number): void;
  /** Stops listening, tears down every live connection and resolves when the listener is closed. */
  close(): Promise<void>;
};

const acceptedPaths = new Set(["/v2", "/"]);

/**
 * Starts a WebSocket-to-TCP bridge that speaks like Neon's wsproxy: a WebSocket opened at
 * `/v2?address=host:port` (or `/?address=...`) is relayed byte for byte to that TCP address.
 * Guarantees: only loopback targets are dialled (others get HTTP 403 before the upgrade, and are logged);
 * frames are binary both ways with backpressure; either side closing closes the other; a client's Postgres
 * Terminate ends the connection cleanly. The bytes relayed are never logged.
 */
export async function startNeonBridge(options: NeonBridgeOptions = {}): Promise<NeonBridge> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => console.log(line));
  const webSocketServer = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const connections = new Set<BridgedConnection>();
  let nextConnectionId = 1;

  /** WebSocket connections bridged so far, for tests that count Postgres round trips (GET /_stats). */
  let bridgedConnections = 0;
  let isCut = false;
  let rttMs = options.rttMs ?? 0;
  const setCut = (cut: boolean): void => {
    isCut = cut;
    if (cut) for (const connection of connections) connection.destroy();
    log(`[neon-bridge] fault: link ${cut ? `cut (${connections.size} live connections torn down)` : "restored"}`);
  };
  const httpServer = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/_stats") {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ connections: bridgedConnections, rttMs }));
      return;
    }
    if (request.method === "POST" && request.url === "/_geo") {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk.slice(0, 100)));
      request.on("end", () => {
        let value: unknown;
        try {
          value = (JSON.parse(body || "{}") as { rttMs?: unknown }).rttMs ?? 0;
        } catch {
          value = undefined;
        }
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          response.writeHead(400, { "content-type": "application/json" }).end('{"error":"rttMs must be >= 0"}');
          return;
        }
        rttMs = value;
        log(`[neon-bridge] geo: round trip to Postgres ${rttMs} ms`);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ rttMs }));
      });
      return;
    }
    if (request.method === "POST" && request.url === "/_fault") {
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk.slice(0, 100)));
      request.on("end", () => {
        setCut((JSON.parse(body || "{}") as { cut?: unknown }).cut === true);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ cut: isCut }));
      });
      return;
    }
    response.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
  });

  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const id = nextConnectionId++;
    if (isCut) {
      rejectUpgrade(socket, 503, "Service Unavailable");
      return;
    }
    const requestUrl = new URL(request.url ?? "/", "http://bridge.invalid");
    if (!acceptedPaths.has(requestUrl.pathname)) {
      log(`[neon-bridge] #${id} refused: unknown path ${requestUrl.pathname}`);
      rejectUpgrade(socket, 404, "Not Found");
      return;
    }
    const check = checkLoopbackTarget(requestUrl.searchParams.get("address"));
    if (!check.allowed) {
      log(`[neon-bridge] #${id} refused: ${check.reason}`);
      rejectUpgrade(socket, 403, "Forbidden");
      return;
    }
    const upgrade = (): void =>
      webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
        bridgedConnections += 1;
        const connection = bridgeConnection(webSocket, check.target, id, log, () => rttMs);
        connections.add(connection);
        void connection.closed.then(() => connections.delete(connection));
      });
    // The handshake is one round trip to the bridge's far side (TCP and TLS set-up are not modelled).
    if (rttMs > 0) setTimeout(upgrade, rttMs);
    else upgrade();
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `ws://${urlHost}:${port}`;
  log(`[neon-bridge] listening on ${url}/v2?address=<loopback host>:<port>`);

  return {
    port,
    url,
    cut: () => setCut(true),
    restore: () => setCut(false),
    setRttMs: (value) => {
      rttMs = value;
    },
    async close() {
      for (const connection of connections) connection.destroy();
      await Promise.all([...connections].map((connection) => connection.closed));
      webSocketServer.close();
      const listenerClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await listenerClosed;
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
