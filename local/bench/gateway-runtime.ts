/**
 * Runs the gateway for the benchmark: bundles worker/src/index.ts with esbuild (ESM, the `workerd` / `worker` /
 * `browser` export conditions, as wrangler does) and serves the bundle with Miniflare's workerd on a loopback port,
 * without `wrangler dev`'s extra proxy layer. Also finds the workerd process, so its CPU and memory can be read.
 *
 * Two ways in, both plain HTTP on loopback:
 * - `direct-socket` (default): a workerd socket bound straight to the worker (Miniflare's `unsafeDirectSockets`), as
 *   in production, where no extra worker runs in front of it.
 * - `miniflare-entry`: Miniflare's `host`/`port`, which first runs Miniflare's own entry worker (adds `request.cf`,
 *   `CF-Connecting-IP`, pretty errors): one more JavaScript hop per request that production does not have.
 * Either way, Miniflare routes the worker's outbound `fetch` through its small outbound worker; that hop cannot be
 * switched off (`stripCfConnectingIp: false` makes it as cheap as it gets).
 */
import { mkdirSync } from "node:fs";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare, NoOpLog } from "miniflare";
import { findDescendantProcesses } from "./process-usage.ts";

/** The gateway's compatibility date (as in wrangler.toml). */
const COMPATIBILITY_DATE = "2026-11-01";

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
}

/** How requests reach the worker. */
export type GatewayEntry = "direct-socket" | "miniflare-entry";

/** A running gateway. */
export interface GatewayRuntime {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** How requests reach the worker. */
  entry: GatewayEntry;
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
      if (parsed && typeof parsed === "object" && "event" in parsed && typeof parsed.event === "string") name = parsed.event;
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
  options.log(`bundled the worker with esbuild: ${(bundleBytes / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(0)} ms`);

  const logged: Array<{ level: string; message: string }> = [];
  const workerdBefore = new Set(findDescendantProcesses(process.pid, "workerd"));
  // Miniflare 5 takes a new options shape; the v4 one (as documented for single workers) converts to it.
  const miniflare = new Miniflare(convertV4MiniflareOptions({
    modules: true,
    scriptPath,
    // Module names are paths relative to this root; workerd refuses names with "..", so it is the bundle's folder.
    modulesRoot: options.outputDirectory,
    compatibilityDate: COMPATIBILITY_DATE,
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
  }));
  try {
    const ready = await miniflare.ready;
    const candidates = findDescendantProcesses(process.pid, "workerd").filter((pid) => !workerdBefore.has(pid));
    if (candidates.length !== 1) options.log(`found ${candidates.length} new workerd processes; CPU and memory read from ${candidates[0] ?? "none"}`);
    const url = options.entry === "direct-socket" ? (await miniflare.unsafeGetDirectURL()).origin : ready.origin;
    options.log(`gateway in workerd (Miniflare, ${options.entry}) at ${url}, workerd pid ${candidates[0] ?? "unknown"}`);
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
