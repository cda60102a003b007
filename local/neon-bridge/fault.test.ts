/** The bridge's fault switch: cutting the link tears down live connections and refuses new ones until restored. */
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonBridge, type NeonBridge } from "./server.ts";
import { useBridge } from "./test-support.ts";

const postgresUrl = "postgres://postgres@127.0.0.1:5432/postgres";
let bridge: NeonBridge;

beforeAll(async () => {
  bridge = await startNeonBridge({ log: () => undefined });
  useBridge(bridge.port);
});

afterAll(async () => {
  await bridge.close();
});

describe("cutting the Neon link", () => {
  it("drops a live connection, refuses new ones while cut, and serves again once restored", async () => {
    const live = new Pool({ connectionString: postgresUrl, max: 1 });
    live.on("error", () => undefined);
    const client = await live.connect();
    client.on("error", () => undefined);
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);

    bridge.cut();
    await expect(client.query("select 2")).rejects.toThrow();
    client.release(true);
    const fresh = new Pool({ connectionString: postgresUrl, max: 1, connectionTimeoutMillis: 3_000 });
    fresh.on("error", () => undefined);
    await expect(fresh.query("select 3")).rejects.toThrow();

    bridge.restore();
    expect((await fresh.query("select 4 as four")).rows).toEqual([{ four: 4 }]);
    await Promise.all([live.end(), fresh.end()]);
  });

  it("is switched over HTTP too (POST /_fault), for tests running inside workerd", async () => {
    const pool = new Pool({ connectionString: postgresUrl, max: 1, connectionTimeoutMillis: 3_000 });
    pool.on("error", () => undefined);
    const post = (cut: boolean) =>
      fetch(`http://127.0.0.1:${bridge.port}/_fault`, { method: "POST", body: JSON.stringify({ cut }) }).then(
        (response) => response.json(),
      );
    expect(await post(true)).toEqual({ cut: true });
    await expect(pool.query("select 1")).rejects.toThrow();
    expect(await post(false)).toEqual({ cut: false });
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
