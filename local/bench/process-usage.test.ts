import { describe, expect, it } from "vitest";
import { findDescendantProcesses, parseProcessStat, processCpuMs, processMemoryKib } from "./process-usage.ts";
import { sliceSizeFor } from "./interleave.ts";

describe("parseProcessStat", () => {
  it("reads pid, command, parent and utime + stime, even with spaces and parentheses in the command", () => {
    // Fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = "4242 (work (er) d) S 4100 4242 4100 0 -1 4194560 1200 0 3 0 731 96 0 0 20 0 12 0 5000 0 0";
    expect(parseProcessStat(line)).toEqual({ pid: 4242, command: "work (er) d", parentPid: 4100, cpuTicks: 731 + 96 });
  });

  it("returns undefined for a line without a command", () => {
    expect(parseProcessStat("garbage")).toBeUndefined();
  });
});

describe("/proc readers on this process", () => {
  it("reads this process's CPU time and memory, and finds no workerd below a process without children", () => {
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    const memory = processMemoryKib(process.pid);
    expect(memory.peakKib).toBeGreaterThanOrEqual(memory.currentKib);
    expect(findDescendantProcesses(2 ** 22 + 1, "workerd")).toEqual([]);
    expect(processCpuMs(2 ** 22 + 1)).toBeNaN();
  });
});

describe("sliceSizeFor", () => {
  it("alternates strictly at concurrency 1 and keeps at least one round and four slices per path otherwise", () => {
    expect(sliceSizeFor(1, 400)).toBe(1);
    expect(sliceSizeFor(16, 2000)).toBe(128);
    expect(sliceSizeFor(64, 2000)).toBe(500);
    expect(sliceSizeFor(64, 128)).toBe(64);
  });
});
