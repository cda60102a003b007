import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cronRunner, scheduledRunResults } from "./cron-run.ts";

const line = (message: unknown) => ({ level: "log", message: JSON.stringify(message) });

describe("scheduledRunResults", () => {
  it("takes the job results of the first scheduled-run line from the index on", () => {
    const lines = [
      line({ event: "scheduled-run", results: { "usage-drained": 1 } }),
      { level: "log", message: "not json" },
      line({ event: "chat-request", results: { "usage-drained": 99 } }),
      line({ event: "scheduled-run", cron: "* * * * *", results: { "usage-drained": 320 } }),
      line({ event: "scheduled-run", results: { "usage-drained": 5 } }),
    ];
    expect(scheduledRunResults(lines, 1)).toEqual({ "usage-drained": 320 });
    expect(scheduledRunResults(lines, 0)).toEqual({ "usage-drained": 1 });
    expect(scheduledRunResults(lines, 5)).toBeUndefined();
  });
});

describe("cronRunner", () => {
  const logged: { level: string; message: string }[] = [];
  let server: Server;
  let url: string;
  let seen: string | undefined;
  beforeAll(async () => {
    // Answers first and logs 50 ms later, as workerd may print the handler's line after the trigger answered.
    server = createServer((request, response) => {
      seen = `${request.method} ${request.url}`;
      response.end("{}");
      setTimeout(() => logged.push(line({ event: "scheduled-run", results: { "usage-drained": 42 } })), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("posts the every-minute cron and waits for its own log line", async () => {
    logged.push(line({ event: "scheduled-run", results: { "usage-drained": 7 } })); // an earlier run
    const results = await cronRunner(url, () => logged)();
    expect(seen).toBe(`POST /?cron=${encodeURIComponent("* * * * *")}`);
    expect(results).toEqual({ "usage-drained": 42 });
  });

  it("gives up on the log line after the wait and resolves with no results", async () => {
    const results = await cronRunner(url, () => [], 100)();
    expect(results).toEqual({});
  });
});
