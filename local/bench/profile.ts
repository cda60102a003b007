/**
 * `npm run bench:profile [-- --requests N] [--cache-hit] [--stream] [--heap]`: a V8 CPU profile (or, with `--heap`,
 * a sampling heap profile: bytes allocated per request by function) of the gateway's JavaScript on plain
 * workerd, for finding where the hot path spends its CPU. Sends N small non-streamed requests one at a time (cache
 * misses, or hits of one fixed prompt with `--cache-hit`; with `--stream`, streams of 50 chunks) through workerd's
 * inspector-enabled isolate and prints the functions with the most self time, by bundle location. Function names
 * and source positions only: no request or response content is read or printed.
 */
import { randomBytes } from "node:crypto";
import { startBenchEnvironment } from "./bench-environment.ts";
import { BenchClient, isFailure } from "./http-client.ts";
import { chatRequest } from "./request-bodies.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const log = (line: string): void => {
  process.stderr.write(`[profile] ${line}\n`);
};

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} takes a positive integer`);
  return value;
}

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
async function connectInspector(port: number): Promise<(method: string, params?: object) => Promise<unknown>> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  // The gateway's isolate, not the same-I/O floor worker's.
  const target = targets.find((candidate) => !JSON.stringify(candidate).includes("io-floor")) ?? targets[0];
  if (!target) throw new Error("the inspector lists no isolate");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
}

interface HeapNode {
  callFrame: ProfileNode["callFrame"];
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}

/**
 * Bytes allocated per request by function (V8's sampling heap profiler): self, and inclusive of callees. Sampled,
 * so read for proportions. The allocations include garbage collected since: this is allocation rate, not retention.
 */
function summarizeHeap(profile: HeapProfile, requests: number): string[] {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const walk = (node: HeapNode, stack: string[]): number => {
    const name = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop() ?? ""}:${node.callFrame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    let total = node.selfSize;
    for (const child of node.children) total += walk(child, [...stack, name]);
    if (!stack.includes(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + total);
    return total;
  };
  const all = walk(profile.head, []);
  const top = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([name, bytes]) => `${(bytes / requests / 1024).toFixed(2).padStart(10)} KiB  ${name}`);
  return [
    `allocated (sampled): ${(all / requests / 1024).toFixed(1)} KiB per request`,
    "inclusive:",
    ...top(inclusive),
    "self:",
    ...top(self),
  ];
}

function summarize(profile: CpuProfile, requests: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((sample, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(sample)?.callFrame;
    const name = frame
      ? `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() ?? ""}:${frame.lineNumber + 1}`
      : "?";
    if (frame?.functionName === "(idle)") idle += delta;
    else total += delta;
    selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
  });
  // Inclusive time: each function once per sample, however deep it recurs.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totalMicros = new Map<string, number>();
  profile.samples.forEach((sample, index) => {
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !frame.url.endsWith("worker.js")) continue;
      const name = `${frame.functionName || "(anonymous)"} :${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      totalMicros.set(name, (totalMicros.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
    }
  });
  const rows = [...selfMicros.entries()]
    .filter(([name]) => !name.startsWith("(idle)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30);
  const inclusive = [...totalMicros.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  return [
    "total µs/request  worker function (inclusive)",
    ...inclusive.map(([name, micros]) => `${(micros / requests).toFixed(1).padStart(16)}  ${name}`),
    "",
    `sampled non-idle time: ${(total / 1000).toFixed(1)} ms over ${requests} requests = ${(total / 1000 / requests).toFixed(3)} ms per request (idle ${(idle / 1000).toFixed(0)} ms)`,
    "self µs/request  function",
    ...rows.map(([name, micros]) => `${(micros / requests).toFixed(1).padStart(15)}  ${name}`),
  ];
}

async function main(): Promise<void> {
  const requests = option("--requests", 2000);
  const cacheHit = process.argv.includes("--cache-hit");
  // `--stream`: streams of 50 back-to-back chunks (the streams scenario's shape) instead of non-streamed answers.
  const stream = process.argv.includes("--stream");
  const streamDirective = stream ? " [[sim chunks=50 words=150]]" : "";
  const inspectorPort = 9300 + Math.floor(Math.random() * 500);
  const environment = await startBenchEnvironment("workerd", log, {
    workerdArguments: [`--inspector-addr=127.0.0.1:${inspectorPort}`],
  });
  const client = new BenchClient({ maxSockets: 4, timeoutMs: 30_000 });
  try {
    const targets = {
      gatewayUrl: environment.gateway.url,
      simulatorUrl: environment.stack.simulatorUrl,
      apiKey: environment.apiKey,
    };
    const tag = randomBytes(6).toString("hex");
    const send = async (index: number): Promise<void> => {
      const result = await client.send(
        chatRequest(
          "gateway",
          { size: "small", stream, promptTag: `${cacheHit ? `${tag} fixed` : `${tag} ${index}`}${streamDirective}` },
          targets,
        ),
      );
      if (isFailure(result) || result.status !== 200) throw new Error(`request ${index} failed`);
    };
    for (let index = 0; index < 200; index += 1) await send(-index - 1); // warm-up: JIT, script cache, key record
    const call = await connectInspector(inspectorPort);
    if (process.argv.includes("--heap")) {
      await call("HeapProfiler.enable");
      await call("HeapProfiler.startSampling", {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      for (let index = 0; index < requests; index += 1) await send(index);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { profile } = (await call("HeapProfiler.stopSampling")) as { profile: HeapProfile };
      process.stdout.write(`${summarizeHeap(profile, requests).join("\n")}\n`);
      return;
    }
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: 100 });
    await call("Profiler.start");
    for (let index = 0; index < requests; index += 1) await send(index);
    await new Promise((resolve) => setTimeout(resolve, 300)); // background work (waitUntil) finishes
    const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
    process.stdout.write(`${summarize(profile, requests).join("\n")}\n`);
  } finally {
    client.close();
    await environment.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
