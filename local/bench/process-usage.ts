/**
 * Process CPU time and peak memory from Linux's /proc: `utime + stime` from /proc/<pid>/stat (clock ticks) and
 * `VmHWM` (peak resident set) from /proc/<pid>/status. Used to measure the workerd process the benchmark starts and
 * this Node process.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Fields of /proc/<pid>/stat the benchmark needs. */
interface ProcessStat {
  pid: number;
  command: string;
  parentPid: number;
  /** User plus system CPU time, in clock ticks. */
  cpuTicks: number;
}

let cachedTicksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, almost always 100). */
export function clockTicksPerSecond(): number {
  if (cachedTicksPerSecond === undefined) {
    try {
      const parsed = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
      cachedTicksPerSecond = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
    } catch {
      cachedTicksPerSecond = 100;
    }
  }
  return cachedTicksPerSecond;
}

/**
 * Parses one /proc/<pid>/stat line. The command sits in parentheses and may itself contain spaces or parentheses,
 * so the fields are split after the last ')'. utime and stime are fields 14 and 15 (1-based) of proc(5).
 */
export function parseProcessStat(line: string): ProcessStat | undefined {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const after = line.slice(close + 2).split(" "); // starts at field 3 (state)
  const field = (oneBased: number): number => Number(after[oneBased - 3]);
  return {
    pid: Number(line.slice(0, open).trim()),
    command: line.slice(open + 1, close),
    parentPid: field(4),
    cpuTicks: field(14) + field(15),
  };
}

function readStat(pid: number): ProcessStat | undefined {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process has used so far, in milliseconds; NaN when it cannot be read. */
export function processCpuMs(pid: number): number {
  const stat = readStat(pid);
  return stat ? (stat.cpuTicks * 1000) / clockTicksPerSecond() : Number.NaN;
}

/** Peak and current resident set size of a process, in KiB (NaN when /proc cannot be read). */
export function processMemoryKib(pid: number): { peakKib: number; currentKib: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const valueOf = (name: string): number =>
      Number(status.match(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m"))?.[1] ?? Number.NaN);
    return { peakKib: valueOf("VmHWM"), currentKib: valueOf("VmRSS") };
  } catch {
    return { peakKib: Number.NaN, currentKib: Number.NaN };
  }
}

/**
 * Process ids whose command is `command` and that descend (through the parent chain) from `ancestorPid`, lowest
 * pid first. Reads every /proc/<pid>/stat once.
 */
export function findDescendantProcesses(ancestorPid: number, command: string): number[] {
  const stats = new Map<number, ProcessStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(stat.pid, stat);
  }
  const descendsFromAncestor = (pid: number): boolean => {
    let current = stats.get(pid);
    for (let depth = 0; current && depth < 64; depth += 1) {
      if (current.parentPid === ancestorPid) return true;
      current = stats.get(current.parentPid);
    }
    return false;
  };
  return [...stats.values()]
    .filter((stat) => stat.command === command && descendsFromAncestor(stat.pid))
    .map((stat) => stat.pid)
    .sort((left, right) => left - right);
}

/** CPU time this Node process (every thread) has used so far, in milliseconds, at microsecond resolution. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
