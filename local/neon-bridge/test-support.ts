// Helpers shared by the bridge's tests (and by local/postgres tests): Postgres wire messages and a raw
// WebSocket client that can put its first frame in the same TCP write as the upgrade request.
import { connect } from "node:net";
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";

/** Points the Neon driver (this process's, global) at the bridge on `port`, in plain WebSocket without TLS. */
export function useBridge(port: number): void {
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = (host, targetPort) => `127.0.0.1:${port}/v2?address=${host}:${targetPort}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/** A Postgres 3.0 StartupMessage for `user` and `database`. */
export function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(196_608, 4);
  return Buffer.concat([header, body]);
}

/** A simple-protocol Query message. */
export function queryMessage(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header.write("Q", 0);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

/** The Terminate message ('X', Int32 4). */
export const terminateMessage = Buffer.from([0x58, 0, 0, 0, 4]);

/** True when `bytes` ends with ReadyForQuery in the idle state ('Z', 5, 'I'). */
export function endsWithReadyForQuery(bytes: Buffer): boolean {
  return bytes.length >= 6 && bytes.subarray(-6).equals(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
}

/** A masked client-to-server binary WebSocket frame (payload < 64 KiB). */
export function maskedBinaryFrame(payload: Buffer): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const lengthBytes =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x82]), lengthBytes, mask, masked]);
}

/** One server-to-client frame decoded from a raw byte stream. */
export type ServerFrame = { opcode: number; payload: Buffer };

/** Decodes the complete unmasked frames at the start of `bytes`; returns them and the bytes left over. */
export function decodeServerFrames(bytes: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (bytes.length - offset >= 2) {
    const opcode = (bytes[offset] ?? 0) & 0x0f;
    let length = (bytes[offset + 1] ?? 0) & 0x7f;
    let headerLength = 2;
    if (length === 126) [length, headerLength] = [bytes.readUInt16BE(offset + 2), 4];
    else if (length === 127) [length, headerLength] = [Number(bytes.readBigUInt64BE(offset + 2)), 10];
    if (bytes.length - offset < headerLength + length) break;
    frames.push({ opcode, payload: bytes.subarray(offset + headerLength, offset + headerLength + length) });
    offset += headerLength + length;
  }
  return { frames, rest: bytes.subarray(offset) };
}

/**
 * Opens a raw TCP connection to `port`, writes the upgrade request for `path` and `firstFrames` in a single
 * write (so the bridge holds them before its own TCP connect can finish), and collects what comes back.
 */
export function rawWebSocket(port: number, path: string, firstFrames: Buffer[]) {
  const socket = connect({ host: "127.0.0.1", port });
  let received = Buffer.alloc(0);
  const listeners = new Set<() => void>();
  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    for (const listener of listeners) listener();
  });
  socket.on("close", () => {
    for (const listener of listeners) listener();
  });
  socket.on("error", () => {});
  const request =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(request), ...firstFrames]));
  return {
    socket,
    /** Resolves with the status line and the decoded frames once `done` holds for them. */
    until(
      done: (statusLine: string, frames: ServerFrame[]) => boolean,
    ): Promise<{ statusLine: string; frames: ServerFrame[] }> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const headerEnd = received.indexOf("\r\n\r\n");
          if (headerEnd < 0) {
            if (socket.destroyed) reject(new Error("closed before a response"));
            return;
          }
          const statusLine = received.subarray(0, received.indexOf("\r\n")).toString();
          const { frames } = decodeServerFrames(received.subarray(headerEnd + 4));
          if (done(statusLine, frames)) {
            listeners.delete(check);
            resolve({ statusLine, frames });
          } else if (socket.destroyed) reject(new Error(`closed early: ${statusLine}, ${frames.length} frames`));
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMilliseconds`. */
export async function waitFor(condition: () => boolean, timeoutMilliseconds = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
