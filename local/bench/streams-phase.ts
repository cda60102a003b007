/**
 * The streams scenario of issue 14: rounds of {@link CONCURRENT_STREAMS} concurrent streams of
 * {@link CHUNKS_PER_STREAM} back-to-back content chunks (the simulator sends them with no delay), through the gateway,
 * straight to the simulator, and through Portkey's open-source gateway (`@portkey-ai/gateway`, its Node server, a
 * pinned dev dependency) pointed at the same simulator. Reports each server's process CPU (utime + stime, so its HTTP
 * stack too) per stream and per streamed chunk, and the time to a stream's last byte (p50 / p99, and added over the
 * direct call). The paths run one after the other, each server pinned to the same core with `taskset` when it is
 * there, the client, simulator and stand-ins (this Node process) to the other.
 *
 * Portkey runs offline with one shim (`portkey-fetch-shim.mjs`): its node server appends headers to the upstream
 * fetch Response, whose headers Node's fetch makes immutable, so every stream failed with "immutable"; the shim wraps
 * each upstream response once (per request, not per chunk).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchClient } from "./http-client.ts";
import { isFailure, type PreparedRequest } from "./http-client.ts";
import { waitForWorkerdToSettle } from "./measure-phase.ts";
import { processCpuMs } from "./process-usage.ts";
import { chatRequest, ioFloorRequest, type BenchTargets } from "./request-bodies.ts";
import { SIMULATOR_API_KEY } from "../provider-routes.ts";
import { summarizeLatencies, type LatencySummary } from "./stats.ts";

export const CONCURRENT_STREAMS = 32;
export const CHUNKS_PER_STREAM = 50;
const directive = (chunks: number) => `[[sim chunks=${chunks} words=${chunks * 3}]]`;

/**
 * `floor-*`: the same-I/O floor worker streaming the answer: piped natively (`pipe`), pumped through a JavaScript
 * ReadableStream one chunk per pull (`js`, as the gateway's bodies do), written chunk by chunk from a JavaScript
 * loop into workerd's native IdentityTransformStream (`identity`), or teed: one branch piped natively to the client,
 * the other read by JavaScript as a usage tap would (`tee`). What workerd charges per chunk with no gateway code.
 */
export type StreamPath = "gateway" | "direct" | "portkey" | "floor-pipe" | "floor-js" | "floor-identity" | "floor-tee";

export interface StreamPathResult {
  path: StreamPath;
  /** Content chunks per stream: {@link CHUNKS_PER_STREAM}, or 1 for the run that shows the cost of a request alone. */
  chunks: number;
  streams: number;
  failures: number;
  /** Time to the last body byte of each stream, ms. */
  latency: LatencySummary;
  /** The server's process CPU per stream and per content chunk, ms (NaN for the direct path: no server). */
  cpuPerStreamMs: number;
  cpuPerChunkMs: number;
}

export interface StreamsResult {
  rounds: number;
  pinned: boolean;
  portkey: string;
  paths: StreamPathResult[];
}

const PORTKEY_SERVER = fileURLToPath(
  new URL("../../node_modules/@portkey-ai/gateway/build/start-server.js", import.meta.url),
);
const PORTKEY_SHIM = fileURLToPath(new URL("./portkey-fetch-shim.mjs", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("port"))));
    });
  });
}

/** Pins every thread of `pid` to `core`; false when taskset is missing or the machine has one core. */
function pin(pid: number, core: number): boolean {
  if (cpus().length < 2) return false;
  return spawnSync("taskset", ["-a", "-cp", String(core), String(pid)], { stdio: "ignore" }).status === 0;
}

async function startPortkey(log: (line: string) => void): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", PORTKEY_SHIM, PORTKEY_SERVER, `--port=${port}`, "--headless"], {
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await fetch(`${url}/`).then(
      () => true,
      () => false,
    );
    if (ready) return { url, child };
  }
  log("streams: Portkey's gateway did not start; comparing with the direct call only");
  child.kill();
  return undefined;
}

function streamRequest(
  path: StreamPath,
  chunks: number,
  tag: string,
  targets: BenchTargets,
  portkeyUrl?: string,
): PreparedRequest {
  const shape = { size: "small", stream: true, promptTag: `${tag} ${directive(chunks)}` } as const;
  if (path === "gateway" || path === "direct") return chatRequest(path, shape, targets);
  if (path !== "portkey") {
    const floor = ioFloorRequest(shape, targets);
    return { ...floor, headers: { ...floor.headers, "x-floor-stream": path.slice("floor-".length) } };
  }
  const direct = chatRequest("direct", shape, targets);
  return {
    url: new URL("/v1/chat/completions", portkeyUrl),
    headers: {
      authorization: `Bearer ${SIMULATOR_API_KEY}`,
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": new URL("/deepseek", targets.simulatorUrl).toString(),
    },
    ...(direct.body ? { body: direct.body } : {}),
  };
}

async function runRounds(
  client: BenchClient,
  rounds: number,
  prepare: (index: number) => PreparedRequest,
): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  for (let round = 0; round < rounds; round += 1) {
    const results = await Promise.all(
      Array.from({ length: CONCURRENT_STREAMS }, (_, index) =>
        client.send(prepare(round * CONCURRENT_STREAMS + index)),
      ),
    );
    for (const result of results) {
      if (isFailure(result) || result.status !== 200) failures += 1;
      else latencies.push(result.totalMs);
    }
  }
  return { latencies, failures };
}

async function measurePath(
  path: StreamPath,
  chunks: number,
  options: { client: BenchClient; targets: BenchTargets; runTag: string; rounds: number; pid?: number; url?: string },
): Promise<StreamPathResult> {
  const prepare = (phase: string) => (index: number) =>
    streamRequest(
      path,
      chunks,
      `${options.runTag} streams ${path} ${chunks} ${phase} ${index}`,
      options.targets,
      options.url,
    );
  await runRounds(options.client, 2, prepare("warm-up"));
  await waitForWorkerdToSettle(options.pid);
  const before = options.pid === undefined ? Number.NaN : processCpuMs(options.pid);
  const { latencies, failures } = await runRounds(options.client, options.rounds, prepare("measured"));
  await waitForWorkerdToSettle(options.pid);
  const cpu = options.pid === undefined ? Number.NaN : processCpuMs(options.pid) - before;
  const streams = options.rounds * CONCURRENT_STREAMS;
  return {
    path,
    chunks,
    streams,
    failures,
    latency: summarizeLatencies(latencies),
    cpuPerStreamMs: cpu / streams,
    cpuPerChunkMs: cpu / streams / chunks,
  };
}

/** Runs the scenario on the gateway (workerd `gatewayPid`), the simulator and, if it starts, Portkey. */
export async function measureStreams(options: {
  client: BenchClient;
  targets: BenchTargets;
  gatewayPid: number | undefined;
  runTag: string;
  quick: boolean;
  log: (line: string) => void;
}): Promise<StreamsResult> {
  const rounds = options.quick ? 4 : 10;
  const portkey = await startPortkey(options.log);
  const pinned =
    options.gatewayPid !== undefined &&
    pin(options.gatewayPid, 1) &&
    (!portkey?.child.pid || pin(portkey.child.pid, 1)) &&
    pin(process.pid, 0);
  try {
    const common = { client: options.client, targets: options.targets, runTag: options.runTag, rounds };
    const gateway = { ...common, ...(options.gatewayPid ? { pid: options.gatewayPid } : {}) };
    const paths = [
      await measurePath("direct", CHUNKS_PER_STREAM, common),
      await measurePath("gateway", CHUNKS_PER_STREAM, gateway),
      await measurePath("gateway", 1, gateway),
    ];
    if (options.targets.ioFloorUrl) {
      for (const floor of ["floor-pipe", "floor-js", "floor-identity", "floor-tee"] as const) {
        paths.push(await measurePath(floor, CHUNKS_PER_STREAM, gateway), await measurePath(floor, 1, gateway));
      }
    }
    if (portkey?.child.pid) {
      const through = { ...common, pid: portkey.child.pid, url: portkey.url };
      paths.push(await measurePath("portkey", CHUNKS_PER_STREAM, through));
      paths.push(await measurePath("portkey", 1, through));
    }
    for (const result of paths)
      options.log(`streams: ${result.path} ${result.streams} streams, ${result.failures} failed`);
    return { rounds, pinned, portkey: portkey ? "@portkey-ai/gateway 1.15.2 (node server)" : "not running", paths };
  } finally {
    portkey?.child.kill();
    // Unpin: later phases use both cores again.
    const all = Array.from({ length: cpus().length }, (_, index) => index).join(",");
    for (const pid of [options.gatewayPid, process.pid]) {
      if (pid !== undefined) spawnSync("taskset", ["-a", "-cp", all, String(pid)], { stdio: "ignore" });
    }
  }
}

/**
 * CPU per extra chunk: the slope between a server's 50-chunk and 1-chunk streams, i.e. its per-stream CPU without
 * what every request costs once (for the gateway: admission, settlement, the usage queue, the prompt-cache store).
 */
export function marginalChunkCpuMs(result: StreamsResult, path: StreamPath): number {
  const many = result.paths.find((row) => row.path === path && row.chunks === CHUNKS_PER_STREAM);
  const one = result.paths.find((row) => row.path === path && row.chunks === 1);
  if (!many || !one) return Number.NaN;
  return (many.cpuPerStreamMs - one.cpuPerStreamMs) / (CHUNKS_PER_STREAM - 1);
}

/** The scenario's table: one row per path and chunk count, "added" against the direct call. */
export function streamsTable(result: StreamsResult): string {
  const direct = result.paths.find((path) => path.path === "direct");
  const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
  const rows = result.paths.map((path) =>
    [
      `${path.path} x${path.chunks}`.padEnd(18),
      String(path.streams).padStart(7),
      String(path.failures).padStart(6),
      fixed(path.latency.p50).padStart(8),
      fixed(path.latency.p99).padStart(8),
      (direct && path.path !== "direct" && path.chunks === direct.chunks
        ? `+${fixed(path.latency.p50 - direct.latency.p50)}`
        : ""
      ).padStart(9),
      fixed(path.cpuPerStreamMs, 2).padStart(11),
      fixed(path.cpuPerChunkMs * 1000, 0).padStart(12),
    ].join(" "),
  );
  return [
    `streams: ${CONCURRENT_STREAMS} concurrent x ${CHUNKS_PER_STREAM} chunks, ${result.rounds} rounds; pinned to one core: ${result.pinned ? "yes" : "no"}; Portkey: ${result.portkey}`,
    "path               streams failed  p50 ms   p99 ms  added p50  CPU/stream ms  CPU/chunk µs",
    ...rows,
    `CPU per extra chunk (50-chunk minus 1-chunk streams, / 49), µs: ${(["gateway", "portkey", "floor-pipe", "floor-js", "floor-identity", "floor-tee"] as const).map((path) => `${path} ${fixed(marginalChunkCpuMs(result, path) * 1000, 0)}`).join(", ")}`,
  ].join("\n");
}
