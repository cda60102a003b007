/**
 * The cold-start measurement (`npm run bench`, section "cold start"; docs/cold-start.md): how long a fresh isolate
 * takes from loading the gateway's script to its first answer of a `/v1/chat/completions` request, and how large the
 * script is (raw and gzip, as Cloudflare counts it).
 *
 * Each sample starts a fresh `workerd serve` with the gateway bundle alone and times it until it listens (workerd
 * compiles the script and runs its top level before it opens the socket), then sends a first request and three more
 * (warm). The same is done for a one-line worker, whose start is workerd's own. Per sample:
 * - script load = gateway start − one-line worker start (compile and top-level evaluation of the bundle);
 * - first-request extra = first request − median warm request (what the first request pays on top: lazy modules,
 *   V8 compiling the functions it runs for the first time, first connections);
 * - cold start = script load + first-request extra. The figures are medians over the samples.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { REPOSITORY_ROOT, type BenchEnvironment } from "./bench-environment.ts";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "./gateway-runtime.ts";
import { BenchClient, isFailure } from "./http-client.ts";
import { chatRequest } from "./request-bodies.ts";
import type { TargetOutcome } from "./report.ts";
import { percentile } from "./stats.ts";
import { workerdConfig } from "./workerd-config.ts";

/**
 * The budget (docs/cold-start.md): median script load + first-request extra, in ms of workerd's CPU time on the bench
 * machine (2 cores): 110 ms before the cold paths were split off, 84 ms after, in the same run.
 */
export const COLD_START_BUDGET_MS = 90;
/** The budget for the bundle's gzip size, in bytes: 362 KiB today (Cloudflare's limits: 3 MiB free, 10 MiB paid). */
export const BUNDLE_GZIP_BUDGET_BYTES = 400 * 1024;

/** Warm requests after the first one, per sample; their median is the warm figure. */
const WARM_REQUESTS = 3;
/** Pause after each request, so the work it left to waitUntil is done before the CPU time is read. */
const SETTLE_MS = 40;
const WORKERD_START_TIMEOUT_MS = 30_000;
const ONE_LINE_WORKER = 'export default { fetch: () => new Response("ok") };\n';

/** One figure of a sample, in ms: wall-clock time and the workerd process's time on a CPU. */
export interface WallAndCpu {
  wallMs: number;
  cpuMs: number;
}

/** One sample's figures. */
export interface ColdStartSample {
  /** Spawn of `workerd serve` to its socket listening, with the gateway. */
  gatewayStart: WallAndCpu;
  /** The same with the one-line worker. */
  oneLineStart: WallAndCpu;
  firstRequest: WallAndCpu;
  /** Median of the warm requests that followed (each figure on its own). */
  warmRequest: WallAndCpu;
}

/** The bundle's size and what of it a fresh isolate evaluates at start. */
export interface BundleFacts {
  bytes: number;
  gzipBytes: number;
  /** The bundle's files (one unless the bundler split it). */
  files: number;
  /** Bytes of the modules evaluated at start ({@link eagerModules}). */
  eagerBytes: number;
  /** Their npm packages. */
  eagerPackages: string[];
}

/** Medians over the samples, in ms, and the bundle's size. */
export interface ColdStartResult {
  samples: number;
  bundleBytes: number;
  bundleGzipBytes: number;
  /** The bundle's files (one unless the bundler split it). */
  bundleFiles: number;
  /** Bytes and npm packages of the modules evaluated at start. */
  eagerBytes: number;
  eagerPackages: string[];
  /** Medians, wall-clock. */
  scriptLoadMs: number;
  firstRequestExtraMs: number;
  coldStartMs: number;
  warmRequestMs: number;
  /** Medians of workerd's own CPU time: what the budget is checked on (robust to a busy machine). */
  scriptLoadCpuMs: number;
  firstRequestExtraCpuMs: number;
  coldStartCpuMs: number;
  budgetMs: number;
  budgetGzipBytes: number;
}

/** Medians of the samples (each figure's median on its own; see the module comment). */
export function summarizeColdStart(samples: readonly ColdStartSample[], bundle: BundleFacts): ColdStartResult {
  if (samples.length === 0) throw new Error("cold start: no samples");
  const median = (values: number[]): number => percentile(values, 50);
  const figures = (field: keyof WallAndCpu) => {
    const scriptLoad = samples.map((sample) => sample.gatewayStart[field] - sample.oneLineStart[field]);
    const firstExtra = samples.map((sample) => sample.firstRequest[field] - sample.warmRequest[field]);
    return {
      scriptLoad: median(scriptLoad),
      firstExtra: median(firstExtra),
      total: median(scriptLoad.map((value, index) => value + (firstExtra[index] ?? Number.NaN))),
    };
  };
  const wall = figures("wallMs");
  const cpu = figures("cpuMs");
  return {
    samples: samples.length,
    bundleBytes: bundle.bytes,
    bundleGzipBytes: bundle.gzipBytes,
    bundleFiles: bundle.files,
    eagerBytes: bundle.eagerBytes,
    eagerPackages: bundle.eagerPackages,
    scriptLoadMs: wall.scriptLoad,
    firstRequestExtraMs: wall.firstExtra,
    coldStartMs: wall.total,
    warmRequestMs: median(samples.map((sample) => sample.warmRequest.wallMs)),
    scriptLoadCpuMs: cpu.scriptLoad,
    firstRequestExtraCpuMs: cpu.firstExtra,
    coldStartCpuMs: cpu.total,
    budgetMs: COLD_START_BUDGET_MS,
    budgetGzipBytes: BUNDLE_GZIP_BUDGET_BYTES,
  };
}

/** The PASS/FAIL lines of the two budgets. */
export function coldStartTargets(result: ColdStartResult): TargetOutcome[] {
  const outcome = (passes: boolean): TargetOutcome["status"] => (passes ? "PASS" : "FAIL");
  return [
    {
      target: `cold start CPU (script load + first request extra, median) <= ${result.budgetMs} ms`,
      status: outcome(Number.isFinite(result.coldStartCpuMs) && result.coldStartCpuMs <= result.budgetMs),
      measured: `${result.coldStartCpuMs.toFixed(1)} ms (wall ${result.coldStartMs.toFixed(1)} ms)`,
    },
    {
      target: `bundle gzip <= ${(result.budgetGzipBytes / 1024).toFixed(0)} KiB`,
      status: outcome(result.bundleGzipBytes <= result.budgetGzipBytes),
      measured: `${(result.bundleGzipBytes / 1024).toFixed(0)} KiB`,
    },
  ];
}

/** The printed line of the result. */
export function coldStartLine(result: ColdStartResult): string {
  return (
    `cold start (${result.samples} fresh workerd, medians, ms, CPU / wall): ` +
    `script load ${result.scriptLoadCpuMs.toFixed(1)} / ${result.scriptLoadMs.toFixed(1)}, ` +
    `first request +${result.firstRequestExtraCpuMs.toFixed(1)} / +${result.firstRequestExtraMs.toFixed(1)} ` +
    `(warm wall ${result.warmRequestMs.toFixed(1)}), ` +
    `total ${result.coldStartCpuMs.toFixed(1)} / ${result.coldStartMs.toFixed(1)} (budget CPU ${result.budgetMs}); bundle ${(result.bundleBytes / 1024).toFixed(0)} KiB, ` +
    `${(result.bundleGzipBytes / 1024).toFixed(0)} KiB gzip (budget ${(result.budgetGzipBytes / 1024).toFixed(0)}), ` +
    `${result.bundleFiles} file${result.bundleFiles === 1 ? "" : "s"}, ` +
    `${(result.eagerBytes / 1024).toFixed(0)} KiB of it evaluated at start (${result.eagerPackages.join(", ")})`
  );
}

/** An esbuild metafile's parts {@link eagerModules} reads. */
export interface BundleGraph {
  inputs: Record<string, { imports: ReadonlyArray<{ path: string; kind: string; external?: boolean }> }>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The npm package a bundled module belongs to (`@scope/name` or `name`), or undefined for the worker's own code. */
export function packageOf(modulePath: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(modulePath);
  return match?.[1];
}

/**
 * The modules a fresh isolate evaluates at start: those reached from `entryPoint` through static imports only (a
 * dynamic `import()` is run on first use). Returns their bytes in the bundle and their packages, sorted.
 */
export function eagerModules(graph: BundleGraph, entryPoint: string): { bytes: number; packages: string[] } {
  const reached = new Set<string>();
  const pending = [entryPoint];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (reached.has(next)) continue;
    reached.add(next);
    for (const imported of graph.inputs[next]?.imports ?? [])
      if (!imported.external && imported.kind !== "dynamic-import") pending.push(imported.path);
  }
  let bytes = 0;
  const packages = new Set<string>();
  for (const output of Object.values(graph.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      if (reached.has(input)) {
        bytes += bytesInOutput;
        const name = packageOf(input);
        if (name) packages.add(name);
      }
  return { bytes, packages: [...packages].sort() };
}

/**
 * Bundles the worker as `wrangler deploy` does (esbuild, ESM, the `workerd`/`worker`/`browser` conditions, names kept,
 * minified when asked (wrangler.toml `minify`), no code splitting: a dynamic `import()` of a module of the worker
 * lands in the same file, its top level run on first use). Returns the bundle's size, raw and gzip.
 */
export async function bundleForColdStart(
  entryPoint: string,
  outputDirectory: string,
  options: { minify?: boolean } = {},
): Promise<BundleFacts> {
  mkdirSync(outputDirectory, { recursive: true });
  const result = await build({
    entryPoints: [entryPoint],
    outfile: `${outputDirectory}/worker.js`,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    minify: options.minify ?? false,
    keepNames: true, // wrangler's `keep_names` default
    metafile: true,
    logLevel: "silent",
  });
  const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith(".js"));
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  const entry = Object.keys(result.metafile.inputs).find((input) => entryPoint.endsWith(input));
  if (!entry) throw new Error(`cold start: the bundle's inputs lack ${entryPoint}`);
  const eager = eagerModules(result.metafile, entry);
  return { bytes, gzipBytes, files: files.length, eagerBytes: eager.bytes, eagerPackages: eager.packages };
}

/**
 * A process's time on a CPU, in ms, summed over its threads: the first field of /proc/<pid>/task/<tid>/schedstat
 * (nanoseconds), finer than /proc/<pid>/stat's clock ticks. NaN where /proc has no schedstat.
 */
export function onCpuMs(pid: number): number {
  try {
    let nanoseconds = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // the thread ended meanwhile
      }
    }
    return nanoseconds / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** A workerd process serving one worker. */
export interface StartedWorkerd {
  url: string;
  start: WallAndCpu;
  /** The process's time on a CPU so far, in ms. */
  cpuMs(): number;
  dispose(): Promise<void>;
}

/** Starts `workerd serve` with one worker (`moduleFile` in `directory`) and times it until its socket listens. */
export async function startOneWorker(
  directory: string,
  moduleFile: string,
  bindings: Record<string, string>,
): Promise<StartedWorkerd> {
  const configPath = `${directory}/${moduleFile}.capnp`;
  writeFileSync(
    configPath,
    workerdConfig({
      compatibilityDate: COMPATIBILITY_DATE,
      workers: [
        { name: "worker", moduleFile, bindingNames: Object.keys(bindings), compatibilityFlags: COMPATIBILITY_FLAGS },
      ],
    }),
  );
  const binary = createRequire(import.meta.url)("workerd").default as string;
  const started = performance.now();
  const child = spawn(binary, ["serve", configPath, "--control-fd=3", "--experimental"], {
    env: { ...process.env, ...bindings },
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  const lastErrors: string[] = [];
  if (child.stderr) createInterface({ input: child.stderr }).on("line", (line) => lastErrors.push(line.slice(0, 200)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("cold start: workerd did not listen in time")),
        WORKERD_START_TIMEOUT_MS,
      );
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`cold start: workerd exited with ${code}: ${lastErrors.slice(-3).join(" | ")}`));
      });
      createInterface({ input: child.stdio[3] as Readable }).on("line", (line) => {
        try {
          const message = JSON.parse(line) as { event?: string; port?: number };
          if (message.event === "listen" && typeof message.port === "number") {
            clearTimeout(timer);
            resolve(message.port);
          }
        } catch {
          // not a control message
        }
      });
    });
    const wallMs = performance.now() - started;
    const cpuMs = () => (child.pid === undefined ? Number.NaN : onCpuMs(child.pid));
    return { url: `http://127.0.0.1:${port}`, start: { wallMs, cpuMs: cpuMs() }, cpuMs, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Options of {@link measureColdStart}. */
export interface ColdStartOptions {
  entryPoint: string;
  /** Minify the bundle (wrangler.toml `minify`). */
  minify: boolean;
  /** Where the bundle and configs are written. */
  outputDirectory: string;
  /** The gateway's bindings (the running stack's). */
  bindings: Record<string, string>;
  simulatorUrl: string;
  apiKey: string;
  runTag: string;
  samples: number;
  log: (line: string) => void;
}

/** Bundles the gateway and measures `samples` fresh starts (see the module comment). */
export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const bundle = await bundleForColdStart(options.entryPoint, options.outputDirectory, { minify: options.minify });
  writeFileSync(`${options.outputDirectory}/one-line-worker.js`, ONE_LINE_WORKER);
  const samples: ColdStartSample[] = [];
  // One unmeasured start of each first, so both find workerd's binary in the page cache.
  for (const moduleFile of ["one-line-worker.js", "worker.js"]) {
    const warmUp = await startOneWorker(options.outputDirectory, moduleFile, options.bindings);
    await warmUp.dispose();
  }
  for (let index = 0; index < options.samples; index += 1) {
    const oneLine = await startOneWorker(options.outputDirectory, "one-line-worker.js", {});
    await oneLine.dispose();
    const gateway = await startOneWorker(options.outputDirectory, "worker.js", options.bindings);
    // A new client per sample: the first request opens its connection, as a fresh isolate's first request would.
    const client = new BenchClient({ maxSockets: 4, timeoutMs: 30_000 });
    try {
      const targets = { gatewayUrl: gateway.url, simulatorUrl: options.simulatorUrl, apiKey: options.apiKey };
      const times: WallAndCpu[] = [];
      for (let request = 0; request <= WARM_REQUESTS; request += 1) {
        const cpuBefore = gateway.cpuMs();
        const shape = {
          size: "small",
          stream: false,
          promptTag: `${options.runTag} cold ${index}.${request}`,
        } as const;
        const result = await client.send(chatRequest("gateway", shape, targets));
        if (isFailure(result) || result.status !== 200)
          throw new Error(
            `cold start: request ${request} failed (${isFailure(result) ? result.error : result.status})`,
          );
        // Work the request left to waitUntil (settlement) counts to it: read the CPU time once it has settled.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        times.push({ wallMs: result.totalMs, cpuMs: gateway.cpuMs() - cpuBefore });
      }
      const warm = times.slice(1);
      samples.push({
        gatewayStart: gateway.start,
        oneLineStart: oneLine.start,
        firstRequest: times[0] ?? { wallMs: Number.NaN, cpuMs: Number.NaN },
        warmRequest: {
          wallMs: percentile(
            warm.map((time) => time.wallMs),
            50,
          ),
          cpuMs: percentile(
            warm.map((time) => time.cpuMs),
            50,
          ),
        },
      });
    } finally {
      client.close();
      await gateway.dispose();
    }
  }
  const result = summarizeColdStart(samples, bundle);
  options.log(coldStartLine(result));
  return result;
}

/** Whether wrangler.toml has `minify = true` (the bench bundles as the deploy does). */
export function wranglerMinifies(wranglerToml: string): boolean {
  return /^minify\s*=\s*true\s*(#.*)?$/m.test(wranglerToml);
}

/** The cold-start section of `npm run bench` for a running bench environment (its stack, key and bindings). */
export function measureColdStartIn(
  environment: BenchEnvironment,
  options: { runTag: string; quick: boolean; log: (line: string) => void },
): Promise<ColdStartResult> {
  return measureColdStart({
    entryPoint: `${REPOSITORY_ROOT}worker/src/index.ts`,
    outputDirectory: `${REPOSITORY_ROOT}.local-data/bench-cold-start`,
    minify: wranglerMinifies(readFileSync(`${REPOSITORY_ROOT}wrangler.toml`, "utf8")),
    bindings: { ...environment.stack.workerBindings, OMNIZEN_ENV: "development" },
    simulatorUrl: environment.stack.simulatorUrl,
    apiKey: environment.apiKey,
    runTag: options.runTag,
    samples: options.quick ? 5 : 15,
    log: options.log,
  });
}
