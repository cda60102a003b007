import { Client } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNeonBridge, type NeonBridge } from "./server.ts";
import { useBridge } from "./test-support.ts";

const postgresUrl = "postgres://postgres@127.0.0.1:5432/test";
const rttMs = 120;
let bridge: NeonBridge;

beforeAll(async () => {
  bridge = await startNeonBridge({ log: () => undefined });
  useBridge(bridge.port);
});

afterAll(async () => {
  await bridge.close();
});

async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await action();
  return { value, ms: performance.now() - started };
}

describe("the Neon bridge's distance to Postgres", () => {
  it("adds the round trip to every query round trip, and to the handshake", async () => {
    bridge.setRttMs(0);
    const near = new Client(postgresUrl);
    await near.connect();
    const nearQuery = await timed(() => near.query("select 1 as one"));
    await near.end();

    bridge.setRttMs(rttMs);
    const far = new Client(postgresUrl);
    // WebSocket handshake, then at least the startup/authentication exchange: two round trips or more.
    const connecting = await timed(() => far.connect());
    expect(connecting.ms).toBeGreaterThanOrEqual(2 * rttMs - 5);
    const farQuery = await timed(() => far.query("select 1 as one"));
    expect(farQuery.value.rows).toEqual([{ one: 1 }]);
    expect(farQuery.ms).toBeGreaterThanOrEqual(rttMs - 5);
    expect(farQuery.ms).toBeLessThan(rttMs + nearQuery.ms + 60);
    await far.end();
    bridge.setRttMs(0);
  });

  it("takes the round trip from POST /_geo and refuses a bad one", async () => {
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${bridge.port}/_geo`, { method: "POST", body }).then((response) => response.status);
    expect(await post('{"rttMs": -3}')).toBe(400);
    expect(await post('{"rttMs": 35}')).toBe(200);
    const stats = (await (await fetch(`http://127.0.0.1:${bridge.port}/_stats`)).json()) as { rttMs: number };
    expect(stats.rttMs).toBe(35);
    expect(await post("{}")).toBe(200);
  });
});
