import { once } from "node:events";
import { mkdir } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { FrontendReader, type FrontendEvent } from "./frontend-reader.ts";
import { SessionLock } from "./session-lock.ts";

/** A running embedded Postgres (PGlite) reachable over the Postgres wire protocol. */
export type EmbeddedPostgres = {
  host: string;
  port: number;
  /** Closes every connection (rolling back open transactions), stops listening and closes PGlite. */
  close(): Promise<void>;
};

const syncMessage = Buffer.from([0x53, 0, 0, 0, 4]);
const rollbackQuery = Buffer.concat([Buffer.from([0x51, 0, 0, 0, 13]), Buffer.from("ROLLBACK\0")]);

/**
 * Starts PGlite on `dataDir` (created if missing; persistent) and serves it on an ephemeral loopback
 * port to any number of connections. PGlite is a single session, so connections take turns: each unit
 * of work (messages up to a Sync, Query or Flush) runs whole, and a connection inside a transaction
 * keeps its turn until the transaction ends. A connection that drops mid-transaction is rolled back.
 * This replaces @electric-sql/pglite-socket's multiplexer, which interleaves single messages of different
 * connections and so mixes up their unnamed statements when a message spans several TCP reads.
 * Logs connection ids and byte counts only, never the bytes.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const database = await PGlite.create({ dataDir: options.dataDir });
  const lock = new SessionLock();
  const sessions = new Map<number, { socket: Socket; finished: Promise<void> }>();
  let nextSessionId = 1;

  const runExclusive = (bytes: Buffer, onData: (data: Uint8Array) => void): Promise<void> =>
    database.runExclusive(() => database.execProtocolRawStream(new Uint8Array(bytes), { onRawData: onData }));

  const serveSession = (socket: Socket, sessionId: number): Promise<void> => {
    const reader = new FrontendReader();
    let chain = Promise.resolve();
    let socketClosed = false;
    socket.setNoDelay(true);
    const send = (data: Uint8Array): void => {
      if (data.length > 0 && !socketClosed) socket.write(Buffer.from(data));
    };

    const runUnit = async (bytes: Buffer, boundary: string): Promise<void> => {
      if (socketClosed) return;
      await lock.acquire(sessionId);
      if (socketClosed) return; // the close handler gives the turn back
      await runExclusive(bytes, send);
      if (!database.isInTransaction() && boundary !== "H") lock.release(sessionId);
      if (socket.writableNeedDrain && !socketClosed) await once(socket, "drain").catch(() => undefined);
    };

    const handle = (event: FrontendEvent): Promise<void> | void => {
      switch (event.kind) {
        case "encryption-request":
          socket.write("N");
          return;
        case "cancel-request":
          socket.end();
          return;
        case "protocol-error":
          options.log(`[embedded-postgres] session #${sessionId} protocol error: ${event.reason}`);
          socket.destroy();
          return;
        case "startup":
          return runUnit(event.bytes, "S");
        case "unit":
          return runUnit(event.bytes, event.boundary);
        case "terminate":
          return (event.bytes.length > 0 ? runUnit(event.bytes, "S") : Promise.resolve()).then(() => {
            socket.end();
          });
      }
    };

    socket.on("data", (chunk: Buffer) => {
      for (const event of reader.push(chunk)) chain = chain.then(() => handle(event));
      chain = chain.catch((error: unknown) => {
        options.log(`[embedded-postgres] session #${sessionId} failed: ${(error as Error).message}`);
        socket.destroy();
      });
    });
    socket.on("error", () => socket.destroy());

    return new Promise<void>((resolve) => {
      socket.on("close", () => {
        socketClosed = true;
        chain = chain.then(async () => {
          if (lock.heldBy !== sessionId) return;
          await runExclusive(syncMessage, () => {});
          if (database.isInTransaction()) await runExclusive(rollbackQuery, () => {});
          lock.release(sessionId);
        });
        void chain.catch(() => lock.release(sessionId)).then(resolve);
      });
    });
  };

  const server = createServer((socket) => {
    const sessionId = nextSessionId++;
    const finished = serveSession(socket, sessionId);
    sessions.set(sessionId, { socket, finished });
    void finished.then(() => sessions.delete(sessionId));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host: "127.0.0.1",
    port,
    async close() {
      const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions.values()) session.socket.destroy();
      await Promise.all([...sessions.values()].map((session) => session.finished));
      await listenerClosed;
      await database.close();
    },
  };
}
