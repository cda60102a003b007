/**
 * Child processes of `npm run dev`: each in its own process group so that stopping kills its whole tree (wrangler's
 * workerd, vite's esbuild), and recorded in a pid file so a later start can clean up after a crash.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): ManagedProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (text: string) => {
      buffered += text;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
  return { name, child };
}

export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops every process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(processes: ManagedProcess[], graceMs = 4000): Promise<void> {
  const running = processes.filter(
    (entry) => entry.child.pid && entry.child.exitCode === null && entry.child.signalCode === null,
  );
  for (const entry of running) killGroup(entry.child.pid ?? 0, "SIGTERM");
  await Promise.race([
    Promise.all(
      running.map(
        (entry) =>
          new Promise<void>((resolve) => {
            if (entry.child.exitCode !== null || entry.child.signalCode !== null) resolve();
            else entry.child.once("exit", () => resolve());
          }),
      ),
    ),
    new Promise((resolve) => setTimeout(resolve, graceMs)),
  ]);
  for (const entry of running) killGroup(entry.child.pid ?? 0, "SIGKILL");
}

/**
 * Kills the process groups a previous, crashed run left behind, then forgets them. If that run is still alive, it
 * is not touched: the caller gets its pid and should refuse to start a second copy on the same ports.
 */
export function reapStale(pidFile: string, log: (line: string) => void): { runningPid: number } | undefined {
  if (!existsSync(pidFile)) return undefined;
  const [orchestrator, ...pids] = readFileSync(pidFile, "utf8")
    .split(/\s+/)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1);
  if (orchestrator && orchestrator !== process.pid && isOrchestrator(orchestrator)) return { runningPid: orchestrator };
  for (const pid of pids) {
    // Only groups that still look like ours: a reused pid of an unrelated process is left alone.
    if (!looksLikeOurs(pid)) continue;
    if (killGroup(pid, "SIGKILL")) log(`stopped process group ${pid} left by an earlier run`);
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

function isOrchestrator(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("local/dev.ts");
  } catch {
    return false;
  }
}

/**
 * Writes a worker's bindings as a private env file for `wrangler dev --env-file` (mode 0600): secrets stay out of the
 * process list, where `--var` would put them.
 */
export function writeEnvFile(path: string, bindings: Record<string, string>): void {
  const lines = Object.entries(bindings).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}

export function writePidFile(pidFile: string, pids: number[]): void {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${[process.pid, ...pids].join("\n")}\n`);
}

function looksLikeOurs(pid: number): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /wrangler|workerd|vite/.test(commandLine);
  } catch {
    return false;
  }
}
