import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  billedCommands,
  readStandInCounters,
  subtractCounts,
  upstashCountsBetween,
  type StandInCounters,
} from "./stand-in-counters.ts";

const reading = (fields: Partial<StandInCounters>): StandInCounters => ({
  upstashRequests: undefined,
  upstashBilledCommands: undefined,
  postgresConnections: undefined,
  ...fields,
});

describe("upstashCountsBetween", () => {
  it("divides each counter's increase by the requests, NaN for a counter the stand-in lacks", () => {
    const before = reading({ upstashRequests: 10, upstashPrimaryRequests: 4, upstashReplicaRequests: 6 });
    const after = reading({
      upstashRequests: 30,
      upstashPrimaryRequests: 14,
      upstashReplicaRequests: 16,
      upstashCommands: 3,
    });
    const counts = upstashCountsBetween(before, after, 10);
    expect(counts).toMatchObject({ requests: 2, primaryRequests: 1, replicaRequests: 1 });
    expect(counts.commands).toBeNaN(); // missing before
    expect(upstashCountsBetween(before, after).requests).toBe(20); // totals by default
  });
});

describe("billedCommands and subtractCounts", () => {
  const counts = { requests: 2, primaryRequests: 1, replicaRequests: 1, commands: 2, scriptCalls: 30, writes: 12 };

  it("bills commands and script calls, and writes once more per read region", () => {
    expect(billedCommands(counts, 0)).toBe(32);
    expect(billedCommands(counts, 3)).toBe(68);
  });

  it("subtracts field by field", () => {
    expect(subtractCounts(counts, { ...counts, scriptCalls: 10, writes: 2 })).toEqual({
      requests: 0,
      primaryRequests: 0,
      replicaRequests: 0,
      commands: 0,
      scriptCalls: 20,
      writes: 10,
    });
  });
});

describe("readStandInCounters", () => {
  let server: Server;
  let url: string;
  let seenAuthorization: string | undefined;
  beforeAll(async () => {
    server = createServer((request, response) => {
      seenAuthorization = request.headers.authorization;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          requests: 7,
          geo: "dhaka",
          commands: 5,
          scriptCalls: 40,
          writes: 12,
          billedCommands: 81,
          primaryRequests: 3,
          replicaRequests: 4,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads the geo model's fields from GET /_omnizen/stats", async () => {
    const counters = await readStandInCounters({ upstashUrl: url, upstashToken: "t0ken", neonBridge: undefined });
    expect(seenAuthorization).toBe("Bearer t0ken");
    expect(counters).toEqual({
      upstashRequests: 7,
      upstashBilledCommands: 81,
      upstashPrimaryRequests: 3,
      upstashReplicaRequests: 4,
      upstashCommands: 5,
      upstashScriptCalls: 40,
      upstashWrites: 12,
      postgresConnections: undefined,
    });
  });
});
