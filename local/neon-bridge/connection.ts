import { connect, type Socket } from "node:net";
import type { RawData, WebSocket } from "ws";
import type { BridgeTarget } from "./target.ts";
import { TerminateDetector } from "./terminate-detector.ts";

/** Pause the TCP socket when this many bytes wait to go out on the WebSocket; resume below the low mark. */
const webSocketHighWaterMark = 1024 * 1024;
const webSocketLowWaterMark = 256 * 1024;
/** Pause the WebSocket when this many bytes wait for the TCP connect to finish. */
const pendingHighWaterMark = 1024 * 1024;
/** How long a half-closed TCP socket may linger before it is destroyed. */
const tcpLingerMilliseconds = 5_000;

/** A live relay between one WebSocket and one TCP connection. */
export type BridgedConnection = {
  id: number;
  /** Resolves once both sides are closed. */
  closed: Promise<void>;
  /** Tears both sides down at once (used when the bridge shuts down). */
  destroy(): void;
};

/**
 * Relays binary frames from `webSocket` to a new TCP connection to `target` and bytes back as binary
 * frames, with backpressure both ways and close propagation both ways. Bytes that arrive before the TCP
 * connect completes are kept and written in order. After the client's Postgres Terminate message has been
 * forwarded, the TCP side is ended and the WebSocket closed normally (1000) without logging an error.
 * Logs only the connection id, target, byte counts and close reasons, never the bytes themselves.
 * `replyDelayMs` (the geo model's caller-to-Postgres round trip) holds back everything from Postgres, its end and
 * close included, by that long, in order: each query round trip then costs it once.
 */
export function bridgeConnection(
  webSocket: WebSocket,
  target: BridgeTarget,
  id: number,
  log: (line: string) => void,
  replyDelayMs: () => number = () => 0,
): BridgedConnection {
  const label = `#${id} ${target.host}:${target.port}`;
  const detector = new TerminateDetector();
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let connected = false;
  let terminated = false;
  let webSocketClosed = false;
  let tcpPaused = false;
  let bytesToTarget = 0;
  let bytesToClient = 0;
  let tcpPauses = 0;
  let webSocketPauses = 0;
  let tcpError: string | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let tcpClosed = false;

  const socket: Socket = connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);

  const finishIfDone = (): void => {
    if (!tcpClosed || !webSocketClosed) return;
    const ending = terminated ? "terminate" : (tcpError ?? "closed");
    log(
      `[neon-bridge] ${label} closed (${ending}); ${bytesToTarget} bytes to target, ${bytesToClient} to client; ` +
        `websocket paused ${webSocketPauses}x, tcp paused ${tcpPauses}x`,
    );
    resolveClosed();
  };

  const closeWebSocket = (code: number, reason: string): void => {
    if (webSocket.readyState === webSocket.OPEN || webSocket.readyState === webSocket.CONNECTING) {
      webSocket.close(code, reason);
    }
  };

  const pauseWebSocket = (): void => {
    if (webSocket.isPaused) return;
    webSocketPauses += 1;
    webSocket.pause();
  };

  const writeToTarget = (chunk: Buffer): void => {
    bytesToTarget += chunk.length;
    if (!socket.write(chunk)) pauseWebSocket();
  };

  webSocket.on("message", (data: RawData) => {
    if (terminated) return;
    let chunk = toBuffer(data);
    const terminateEnd = detector.observe(chunk);
    if (terminateEnd >= 0) {
      chunk = chunk.subarray(0, terminateEnd);
      terminated = true;
    }
    if (connected) writeToTarget(chunk);
    else {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes > pendingHighWaterMark) pauseWebSocket();
    }
    if (terminated) {
      if (connected) socket.end();
      closeWebSocket(1000, "terminate");
    }
  });

  socket.on("drain", () => {
    if (!webSocketClosed) webSocket.resume();
  });

  socket.on("connect", () => {
    connected = true;
    log(`[neon-bridge] ${label} connected; ${pendingBytes} bytes waited for the connect`);
    for (const chunk of pending.splice(0)) writeToTarget(chunk);
    pendingBytes = 0;
    if (!socket.writableNeedDrain && !webSocketClosed) webSocket.resume();
    if (terminated || webSocketClosed) socket.end();
  });

  const afterReplyDelay = (action: () => void): void => {
    const delayMs = replyDelayMs();
    if (delayMs > 0) setTimeout(action, delayMs);
    else action();
  };

  socket.on("data", (chunk: Buffer) => afterReplyDelay(() => relayToClient(chunk)));

  const relayToClient = (chunk: Buffer): void => {
    if (webSocket.readyState !== webSocket.OPEN) return;
    bytesToClient += chunk.length;
    webSocket.send(chunk, { binary: true }, () => {
      if (tcpPaused && webSocket.bufferedAmount < webSocketLowWaterMark) {
        tcpPaused = false;
        socket.resume();
      }
    });
    if (!tcpPaused && webSocket.bufferedAmount > webSocketHighWaterMark) {
      tcpPaused = true;
      tcpPauses += 1;
      socket.pause();
    }
  };

  socket.on("end", () => afterReplyDelay(() => closeWebSocket(1000, "target closed")));

  socket.on("error", (error: NodeJS.ErrnoException) => {
    const quiet = (terminated || webSocketClosed) && ["ECONNRESET", "EPIPE"].includes(error.code ?? "");
    if (quiet) return;
    tcpError = `tcp error ${error.code ?? error.message}`;
    log(`[neon-bridge] ${label} ${tcpError}`);
    closeWebSocket(1011, "target connection failed");
  });

  socket.on("close", () => {
    tcpClosed = true;
    afterReplyDelay(() =>
      closeWebSocket(tcpError ? 1011 : 1000, tcpError ? "target connection failed" : "target closed"),
    );
    finishIfDone();
  });

  webSocket.on("close", () => {
    webSocketClosed = true;
    if (connected) {
      socket.end();
      setTimeout(() => socket.destroy(), tcpLingerMilliseconds).unref();
    } else if (!terminated) socket.destroy();
    finishIfDone();
  });

  webSocket.on("error", (error: Error) => {
    log(`[neon-bridge] ${label} websocket error ${error.message}`);
    socket.destroy();
  });

  return {
    id,
    closed,
    destroy() {
      socket.destroy();
      webSocket.terminate();
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
