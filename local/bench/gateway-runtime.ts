/**
 * Runs the gateway for the benchmark: bundles worker/src/index.ts with esbuild (ESM, the `workerd` / `worker` /
 * `browser` export conditions, as wrangler does) and serves the bundle in workerd on a loopback port, without
 * `wrangler dev`'s extra proxy layer. Also finds the workerd process, so its CPU and memory can be read.
 *
 * Three ways to run it, all plain HTTP on loopback:
 * - `workerd` (default): plain `workerd serve` with a generated config (`workerd-config.ts`): a socket straight to
 *   the worker and outbound `fetch` straight to the network, as in production.
 * - `direct-socket`: Miniflare, on a workerd socket bound straight to the worker (`unsafeDirectSockets`). Miniflare
 *   routes the worker's outbound `fetch` through its small outbound worker, a hop production does not have.
 * - `miniflare-entry`: Miniflare's `host`/`port`, which first runs Miniflare's own entry worker (adds `request.cf`,
 *   `CF-Connecting-IP`, pretty errors): one more JavaScript hop per request on top of `direct-socket`.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare, NoOpLog } from "miniflare";
import { findDescendantProcesses } from "./process-usage.ts";
import { workerdConfig } from "./workerd-config.ts";

/** The gateway's compatibility date and flags (as in wrangler.toml; gateway-runtime.test.ts keeps them equal). */
export const COMPATIBILITY_DATE = "2026-11-01";
export const COMPATIBILITY_FLAGS = ["enable_request_signal"];

/** Options of {@link startGatewayRuntime}. */
export interface GatewayRuntimeOptions {
  /** The worker's entry module (worker/src/index.ts). */
  entryPoint: string;
  /** Folder the bundle is written to (created if missing). */
  outputDirectory: string;
  /** The worker's bindings (plain strings). */
  bindings: Record<string, string>;
  /** Which socket the benchmark talks to (see the module comment). */
  entry: GatewayEntry;
  /** Receives progress lines. */
  log: (line: string) => void;
  /** Extra arguments of `workerd serve` (plain workerd only), e.g. `--async-trace <file>`. */
  workerdArguments?: string[];
}

/** How requests reach the worker. */
export type GatewayEntry = "workerd" | "direct-socket" | "miniflare-entry";

/** A running gateway. */
export interface GatewayRuntime {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** How requests reach the worker. */
  entry: GatewayEntry;
  /** The same-I/O floor worker (io-floor-worker.js) on the same workerd process; plain workerd only. */
  ioFloorUrl?: string;
  /**
   * Plain workerd only: `POST <cronTriggerUrl>?cron=<expression>` runs the gateway's `scheduled` handler (its
   * waitUntil work included) through cron-trigger-worker.js, as a cron trigger would.
   */
  cronTriggerUrl?: string;
  /** The workerd process serving it, or undefined if it could not be found in /proc. */
  workerdPid: number | undefined;
  /** Bundle size in bytes. */
  bundleBytes: number;
  /** Lines the worker logged (console.*) so far, by level; the worker logs ids and error names, never content. */
  loggedLines: () => Array<{ level: string; message: string }>;
  /** Stops workerd. */
  dispose(): Promise<void>;
}

/**
 * Counts worker log lines by their `event` field (the worker logs JSON lines with an event name); other lines count
 * as `<level> (not JSON)`. Only names are kept, so nothing else a line holds is ever printed.
 */
export function countLogEvents(lines: ReadonlyArray<{ level: string; message: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    let name = `${line.level} (not JSON)`;
    try {
      const parsed: unknown = JSON.parse(line.message);
      if (parsed && typeof parsed === "object" && "event" in parsed && typeof parsed.event === "string")
        name = parsed.event;
    } catch {
      // not a JSON line
    }
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Bundles the worker and starts it in workerd. */
export async function startGatewayRuntime(options: GatewayRuntimeOptions): Promise<GatewayRuntime> {
  mkdirSync(options.outputDirectory, { recursive: true });
  const scriptPath = `${options.outputDirectory}/worker.js`;
  const started = performance.now();
  const result = await build({
    entryPoints: [options.entryPoint],
    outfile: scriptPath,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*"],
    minify: false,
    metafile: true,
    logLevel: "silent",
  });
  const bundleBytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  options.log(
    `bundled the worker with esbuild: ${(bundleBytes / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(0)} ms`,
  );

  if (options.entry === "workerd") return startPlainWorkerd(options, bundleBytes);

  const logged: Array<{ level: string; message: string }> = [];
  const workerdBefore = new Set(findDescendantProcesses(process.pid, "workerd"));
  // Miniflare 5 takes a new options shape; the v4 one (as documented for single workers) converts to it.
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath,
      // Module names are paths relative to this root; workerd refuses names with "..", so it is the bundle's folder.
      modulesRoot: options.outputDirectory,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: COMPATIBILITY_FLAGS,
      bindings: options.bindings,
      host: "127.0.0.1",
      port: 0,
      cf: false,
      logRequests: false,
      stripCfConnectingIp: false,
      ...(options.entry === "direct-socket" ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
      log: new NoOpLog(),
      handleStructuredLogs: (entry) => {
        logged.push({ level: entry.level, message: entry.message });
      },
    }),
  );
  try {
    const ready = await miniflare.ready;
    const candidates = findDescendantProcesses(process.pid, "workerd").filter((pid) => !workerdBefore.has(pid));
    if (candidates.length !== 1)
      options.log(
        `found ${candidates.length} new workerd processes; CPU and memory read from ${candidates[0] ?? "none"}`,
      );
    const url = options.entry === "direct-socket" ? (await miniflare.unsafeGetDirectURL()).origin : ready.origin;
    options.log(
      `gateway in workerd (Miniflare, ${options.entry}) at ${url}, workerd pid ${candidates[0] ?? "unknown"}`,
    );
    return {
      url,
      entry: options.entry,
      workerdPid: candidates[0],
      bundleBytes,
      loggedLines: () => [...logged],
      dispose: () => miniflare.dispose(),
    };
  } catch (error) {
    await miniflare.dispose().catch(() => undefined);
    throw error;
  }
}

/** Milliseconds to wait for plain workerd to report its listening ports. */
const WORKERD_START_TIMEOUT_MS = 30_000;

/** The floor worker's bindings: the Upstash stand-in and the simulator's DeepSeek endpoint. */
const IO_FLOOR_BINDINGS = [
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "DEEPSEEK_BASE_URL",
  "DEEPSEEK_API_KEY",
];

/**
 * Serves the bundle (already written to `outputDirectory/worker.js`) and the same-I/O floor worker on plain
 * `workerd serve`. The sockets' ports are chosen by the kernel and read from workerd's control messages
 * (`--control-fd`); the bindings reach workerd through its environment. Worker log lines (stdout/stderr) are kept
 * for {@link countLogEvents}.
 */
async function startPlainWorkerd(options: GatewayRuntimeOptions, bundleBytes: number): Promise<GatewayRuntime> {
  const configPath = `${options.outputDirectory}/workerd.capnp`;
  for (const file of ["io-floor-worker.js", "cron-trigger-worker.js"]) {
    copyFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), `${options.outputDirectory}/${file}`);
  }
  writeFileSync(
    configPath,
    workerdConfig({
      compatibilityDate: COMPATIBILITY_DATE,
      workers: [
        {
          name: "gateway",
          moduleFile: "worker.js",
          bindingNames: Object.keys(options.bindings),
          compatibilityFlags: COMPATIBILITY_FLAGS,
        },
        { name: "io-floor", moduleFile: "io-floor-worker.js", bindingNames: IO_FLOOR_BINDINGS },
        // Calling another worker's `scheduled` handler through a binding needs this flag, which is experimental.
        {
          name: "cron-trigger",
          moduleFile: "cron-trigger-worker.js",
          bindingNames: [],
          serviceBindings: { GATEWAY: "gateway" },
          compatibilityFlags: ["service_binding_extra_handlers"],
        },
      ],
    }),
  );
  const binary = createRequire(import.meta.url)("workerd").default as string;
  const child = spawn(
    binary,
    ["serve", configPath, "--control-fd=3", "--experimental", ...(options.workerdArguments ?? [])],
    {
      env: { ...process.env, ...options.bindings },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    },
  );
  const logged: Array<{ level: string; message: string }> = [];
  const keepLines = (stream: Readable | null, level: string): void => {
    if (stream) createInterface({ input: stream }).on("line", (message) => logged.push({ level, message }));
  };
  keepLines(child.stdout, "log");
  keepLines(child.stderr, "error");
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    const ports = await new Promise<Record<string, number>>((resolve, reject) => {
      const found: Record<string, number> = {};
      const timer = setTimeout(
        () => reject(new Error(`workerd did not start listening within ${WORKERD_START_TIMEOUT_MS} ms`)),
        WORKERD_START_TIMEOUT_MS,
      );
      void exited.then((code) =>
        reject(
          new Error(
            `workerd exited with code ${code} before listening: ${logged
              .slice(-5)
              .map((line) => line.message)
              .join(" | ")}`,
          ),
        ),
      );
      createInterface({ input: child.stdio[3] as Readable }).on("line", (line) => {
        try {
          const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (message.event === "listen" && typeof message.socket === "string" && typeof message.port === "number")
            found[message.socket] = message.port;
        } catch {
          // not a control message we know
        }
        if (found.gateway !== undefined && found["io-floor"] !== undefined && found["cron-trigger"] !== undefined) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    const url = `http://127.0.0.1:${ports.gateway}`;
    options.log(
      `gateway on plain workerd serve at ${url} (same-I/O floor worker on port ${ports["io-floor"]}), workerd pid ${child.pid ?? "unknown"}`,
    );
    const cronTriggerUrl = `http://127.0.0.1:${ports["cron-trigger"]}`;
    return {
      url,
      ioFloorUrl: `http://127.0.0.1:${ports["io-floor"]}`,
      cronTriggerUrl,
      entry: options.entry,
      workerdPid: child.pid,
      bundleBytes,
      loggedLines: () => [...logged],
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
