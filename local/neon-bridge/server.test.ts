import { createServer, type Server } from "node:net";
import { Pool } from "@neondatabase/serverless";
import pg from "pg";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonBridge, type NeonBridge } from "./server.ts";
import {
  useBridge,
  endsWithReadyForQuery,
  maskedBinaryFrame,
  queryMessage,
  rawWebSocket,
  startupMessage,
  terminateMessage,
  waitFor,
} from "./test-support.ts";

const postgresUrl = "postgres://postgres@127.0.0.1:5432/test";
const logLines: string[] = [];
let bridge: NeonBridge;

function closedLines(): string[] {
  return logLines.filter((line) => / closed \(/.test(line));
}

/** Ids of the bridge connections that connected after log line `from`. */
function connectedIdsSince(from: number): string[] {
  return logLines.slice(from).flatMap((line) => /#(\d+) \S+ connected;/.exec(line)?.[1] ?? []);
}

/** The close lines of the connections with these ids. */
function closeLinesFor(ids: string[]): string[] {
  return closedLines().filter((line) => ids.some((id) => line.includes(`#${id} `)));
}

beforeAll(async () => {
  // BRIDGE_DEBUG=1 also prints the bridge's lines while the tests run.
  const log = (line: string): void => {
    logLines.push(line);
    if (process.env.BRIDGE_DEBUG) console.log(line);
  };
  bridge = await startNeonBridge({ log });
  useBridge(bridge.port);
});

afterAll(async () => {
  await bridge.close();
});

describe("neon driver Pool through the bridge to the real Postgres", () => {
  it("runs parameterised queries", async () => {
    const pool = new Pool({ connectionString: postgresUrl });
    const result = await pool.query("select $1::int + 1 as answer, current_database() as database", [41]);
    expect(result.rows).toEqual([{ answer: 42, database: "test" }]);
    await pool.end();
  });

  it("commits and rolls back transactions", async () => {
    const table = `bridge_test_${process.pid}_${Date.now()}`;
    const pool = new Pool({ connectionString: postgresUrl });
    const client = await pool.connect();
    try {
      await client.query(`create table ${table} (id int primary key, note text)`);
      await client.query("begin");
      await client.query(`insert into ${table} values ($1, $2)`, [1, "rolled back"]);
      await client.query("rollback");
      await client.query("begin");
      await client.query(`insert into ${table} values ($1, $2)`, [2, "kept"]);
      await client.query("commit");
      const direct = new pg.Client({ connectionString: postgresUrl });
      await direct.connect();
      const rows = (await direct.query(`select id, note from ${table} order by id`)).rows;
      await direct.query(`drop table ${table}`);
      await direct.end();
      expect(rows).toEqual([{ id: 2, note: "kept" }]);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it("serves several concurrent clients", async () => {
    const pool = new Pool({ connectionString: postgresUrl, max: 5 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        pool.query("select $1::int as index, pg_backend_pid() as pid, pg_sleep(0.1)::text as slept", [index]),
      ),
    );
    expect(results.map((result) => result.rows[0].index)).toEqual([...Array(10).keys()]);
    expect(new Set(results.map((result) => result.rows[0].pid)).size).toBeGreaterThan(1);
    await pool.end();
  });

  it("carries a large parameter and a large result intact", async () => {
    const before = logLines.length;
    const pool = new Pool({ connectionString: postgresUrl, max: 1 });
    const big = "p".repeat(4 * 1024 * 1024);
    const result = await pool.query("select md5($1::text) as digest, repeat('r', 5000000) as big", [big]);
    const expected = await pool.query("select md5(repeat('p', 4194304)) as digest");
    expect(result.rows[0].digest).toBe(expected.rows[0].digest);
    expect(result.rows[0].big).toBe("r".repeat(5_000_000));
    await pool.end();
    const ids = connectedIdsSince(before);
    expect(ids).toHaveLength(1);
    await waitFor(() => closeLinesFor(ids).length === 1);
    const line = closeLinesFor(ids)[0] ?? "";
    expect(Number(/(\d+) to client/.exec(line)?.[1])).toBeGreaterThan(5_000_000);
  });

  it("ends the pool cleanly with Terminate and reports no errors", async () => {
    const before = logLines.length;
    const pool = new Pool({ connectionString: postgresUrl, max: 3 });
    await Promise.all([1, 2, 3].map((value) => pool.query("select $1::int as value, pg_sleep(0.05)::text", [value])));
    await pool.end();
    const ids = connectedIdsSince(before);
    expect(ids).toHaveLength(3);
    await waitFor(() => closeLinesFor(ids).length === 3);
    expect(closeLinesFor(ids).filter((line) => line.includes(" closed (terminate)"))).toHaveLength(3);
    const ownLines = logLines.filter((line) => ids.some((id) => line.includes(`#${id} `)));
    expect(ownLines.filter((line) => /error|refused/i.test(line))).toEqual([]);
  });
});

describe("bridge edges", () => {
  it("refuses non-loopback targets with 403 before the upgrade", async () => {
    for (const address of ["10.0.0.1:5432", "example.com:5432", "[2001:db8::1]:5432", "127.0.0.1:99999"]) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const client = new WebSocket(`${bridge.url}/v2?address=${address}`);
        client.on("unexpected-response", (_request, response) => resolve(response.statusCode));
        client.on("open", () => reject(new Error(`${address} was accepted`)));
        client.on("error", () => {});
      });
      expect(status).toBe(403);
    }
    expect(logLines.filter((line) => line.includes("refused: non-loopback host 10.0.0.1"))).toHaveLength(1);
    expect(logLines.filter((line) => line.includes("refused: non-loopback host example.com"))).toHaveLength(1);
  });

  it("delivers bytes sent before the TCP connect, in order, and closes normally on Terminate", async () => {
    const before = logLines.length;
    const client = rawWebSocket(bridge.port, "/v2?address=127.0.0.1:5432", [
      maskedBinaryFrame(startupMessage("postgres", "test")),
      maskedBinaryFrame(queryMessage("select 'first' as a")),
      maskedBinaryFrame(queryMessage("select 'second' as b")),
    ]);
    const { statusLine, frames } = await client.until((_status, frames) => {
      const bytes = Buffer.concat(frames.map((frame) => frame.payload));
      return bytes.includes("second") && endsWithReadyForQuery(bytes);
    });
    expect(statusLine).toContain("101");
    const bytes = Buffer.concat(frames.map((frame) => frame.payload));
    expect(bytes[0]).toBe(0x52); // AuthenticationOk comes first
    expect(bytes.readInt32BE(5)).toBe(0);
    expect(bytes.indexOf("first")).toBeLessThan(bytes.indexOf("second"));
    const connectLine = logLines.slice(before).find((line) => line.includes("connected;")) ?? "";
    expect(Number(/; (\d+) bytes waited/.exec(connectLine)?.[1])).toBeGreaterThan(0);

    client.socket.write(maskedBinaryFrame(terminateMessage));
    const closing = await client.until((_status, frames) => frames.some((frame) => frame.opcode === 0x8));
    const closeFrame = closing.frames.find((frame) => frame.opcode === 0x8);
    expect(closeFrame?.payload.readUInt16BE(0)).toBe(1000);
    client.socket.destroy();
    await waitFor(() => logLines.slice(before).some((line) => line.includes(" closed (terminate)")));
  });

  it("closes the WebSocket when the TCP side closes, and on a refused connect", async () => {
    const target: Server = createServer((socket) => socket.once("data", () => socket.end()));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const targetPort = (target.address() as { port: number }).port;
    const closeCode = (address: string) =>
      new Promise<number>((resolve) => {
        const client = new WebSocket(`${bridge.url}/v2?address=${address}`);
        client.on("open", () => client.send(Buffer.from("hello")));
        client.on("close", (code) => resolve(code));
        client.on("error", () => {});
      });
    expect(await closeCode(`127.0.0.1:${targetPort}`)).toBe(1000);
    await new Promise<void>((resolve) => target.close(() => resolve()));
    expect(await closeCode(`127.0.0.1:${targetPort}`)).toBe(1011);
    expect(logLines.some((line) => line.includes("tcp error ECONNREFUSED"))).toBe(true);
  });

  it("pauses the TCP socket while the WebSocket client does not read", async () => {
    const before = logLines.length;
    const client = new WebSocket(`${bridge.url}/v2?address=127.0.0.1:5432`);
    const received: Buffer[] = [];
    client.on("message", (data: Buffer) => received.push(data));
    await new Promise((resolve) => client.once("open", resolve));
    client.send(startupMessage("postgres", "test"));
    await waitFor(() => endsWithReadyForQuery(Buffer.concat(received)));
    const startupChunks = received.length;
    client.pause();
    client.send(queryMessage("select repeat('b', 16000000)"));
    await new Promise((resolve) => setTimeout(resolve, 500));
    client.resume();
    const resultBytes = () => Buffer.concat(received.slice(startupChunks));
    await waitFor(() => endsWithReadyForQuery(resultBytes()), 10_000);
    expect(resultBytes().length).toBeGreaterThan(16_000_000);
    client.send(terminateMessage);
    const ids = connectedIdsSince(before);
    await waitFor(() => closeLinesFor(ids).length === 1);
    const line = closeLinesFor(ids)[0] ?? "";
    expect(line).toContain("closed (terminate)");
    expect(Number(/tcp paused (\d+)x/.exec(line)?.[1])).toBeGreaterThan(0);
  });

  it("pauses the WebSocket while the TCP side does not read, and delivers every byte once it does", async () => {
    const before = logLines.length;
    let sink: import("node:net").Socket | undefined;
    let receivedBytes = 0;
    const target: Server = createServer((socket) => {
      sink = socket;
      socket.pause(); // a TCP peer that does not read: the bridge's writes must back up
      socket.on("data", (chunk: Buffer) => (receivedBytes += chunk.length));
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const targetPort = (target.address() as { port: number }).port;
    const client = new WebSocket(`${bridge.url}/v2?address=127.0.0.1:${targetPort}`);
    await new Promise((resolve) => client.once("open", resolve));
    const frame = Buffer.alloc(1024 * 1024, 7);
    for (let index = 0; index < 32; index += 1) client.send(frame);
    await waitFor(() => sink !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    sink?.resume();
    await waitFor(() => receivedBytes === 32 * 1024 * 1024, 10_000);
    client.close();
    const ids = connectedIdsSince(before);
    await waitFor(() => closeLinesFor(ids).length === 1);
    expect(Number(/websocket paused (\d+)x/.exec(closeLinesFor(ids)[0] ?? "")?.[1])).toBeGreaterThan(0);
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });
});
