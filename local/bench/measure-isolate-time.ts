/**
 * The isolate-time measurement: a second gateway process (same bundle and bindings) runs with workerd's async trace
 * on, receives small non-streamed cache-miss requests at c=1, alternating with the same-I/O floor worker, and the
 * trace gives each request's isolate time (see isolate-time.ts). Run apart from the latency phases, because tracing
 * slows workerd down; the trace's own bookkeeping runs inside the turns, so the figures err on the high side.
 */
import { createReadStream, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import type { BenchEnvironment } from "./bench-environment.ts";
import { isFailure, type BenchClient } from "./http-client.ts";
import { isolateTimesByWorker } from "./isolate-time.ts";
import { chatRequest, ioFloorRequest } from "./request-bodies.ts";
import { summarizeLatencies, type LatencySummary } from "./stats.ts";

/** Isolate time per request, in ms, of the gateway and of the floor worker. */
export interface IsolateTimeResult {
  requestsPerWorker: number;
  gateway: LatencySummary;
  ioFloor: LatencySummary;
}

async function readLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path) })) lines.push(line);
  return lines;
}

export async function measureIsolateTime(options: {
  environment: BenchEnvironment;
  client: BenchClient;
  runTag: string;
  requests: number;
  warmup: number;
  tracePath: string;
  log: (line: string) => void;
}): Promise<IsolateTimeResult> {
  const { environment, client } = options;
  const traced = await environment.startExtraGateway(["--async-trace", options.tracePath]);
  try {
    const targets = {
      gatewayUrl: traced.url,
      simulatorUrl: environment.stack.simulatorUrl,
      apiKey: environment.apiKey,
      ...(traced.ioFloorUrl ? { ioFloorUrl: traced.ioFloorUrl } : {}),
    };
    for (let index = 0; index < options.warmup + options.requests; index += 1) {
      const shape = { size: "small", stream: false, promptTag: `${options.runTag} isolate-time ${index}` } as const;
      for (const request of [chatRequest("gateway", shape, targets), ioFloorRequest(shape, targets)]) {
        const result = await client.send(request);
        if (isFailure(result) || result.status !== 200)
          throw new Error(`isolate-time request ${index} failed: ${isFailure(result) ? result.error : result.status}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // background work (settlement) of the last requests
  } finally {
    await traced.dispose();
  }
  const times = isolateTimesByWorker(await readLines(options.tracePath));
  // OMNIZEN_BENCH_KEEP_TRACE=1 keeps the trace for a closer look (it holds URLs and ids, never bodies).
  if (process.env.OMNIZEN_BENCH_KEEP_TRACE !== "1") rmSync(options.tracePath, { force: true });
  const measured = (worker: string) => (times.get(worker) ?? []).slice(options.warmup);
  const gateway = measured("gateway");
  const ioFloor = measured("io-floor");
  if (gateway.length !== options.requests || ioFloor.length !== options.requests) {
    throw new Error(
      `the trace held ${gateway.length} gateway and ${ioFloor.length} floor requests; expected ${options.requests} each`,
    );
  }
  const result = {
    requestsPerWorker: options.requests,
    gateway: summarizeLatencies(gateway),
    ioFloor: summarizeLatencies(ioFloor),
  };
  options.log(
    `isolate time: gateway mean ${result.gateway.mean.toFixed(3)} ms, floor worker mean ${result.ioFloor.mean.toFixed(3)} ms over ${options.requests} requests each`,
  );
  return result;
}
