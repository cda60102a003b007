import { describe, expect, it } from "vitest";
import { memoryVerdict, slope, soakWindows, type ProcessReading, type SoakSample } from "./soak-stats.ts";

describe("soakWindows", () => {
  it("groups requests by send time, counts errors, and reads RSS and CPU per window", () => {
    const samples: SoakSample[] = [
      { sentAt: 100, latencyMs: 10, ok: true },
      { sentAt: 900, latencyMs: 30, ok: false },
      { sentAt: 1_500, latencyMs: 20, ok: true },
    ];
    const readings: ProcessReading[] = [
      { at: 0, rssKib: 102_400, cpuMs: 0 },
      { at: 999, rssKib: 104_448, cpuMs: 500 },
      { at: 1_999, rssKib: 106_496, cpuMs: 700 },
    ];
    const [first, second] = soakWindows(samples, readings, 1_000, 2_000, [
      { at: 1_200, mib: 7 },
      { at: 1_900, mib: 8, committedMib: 12 },
    ]);
    expect(first).toMatchObject({ fromSeconds: 0, requests: 2, errors: 1, p50Ms: 20, rssMib: 102 });
    expect(first?.cpuPercent).toBeCloseTo(50.05, 1);
    expect(second).toMatchObject({
      fromSeconds: 1,
      requests: 1,
      errors: 0,
      p50Ms: 20,
      p99Ms: 20,
      rssMib: 104,
      cpuPercent: 20,
      heapMib: 8,
      heapCommittedMib: 12,
    });
    expect(first?.heapMib).toBeNaN();
  });
});

describe("memoryVerdict", () => {
  const window = (fromSeconds: number, rssMib: number) => ({
    fromSeconds,
    requests: 1,
    errors: 0,
    p50Ms: 1,
    p99Ms: 1,
    rssMib,
    cpuPercent: 1,
    heapMib: 1,
    heapCommittedMib: 2,
  });

  it("measures growth from the end of the warm-up and the slope after it", () => {
    const verdict = memoryVerdict(
      [window(0, 60), window(30, 100), window(60, 110), window(90, 111), window(120, 112)],
      16,
      60,
    );
    expect(verdict).toMatchObject({ warmMib: 100, lastMib: 112, flat: true });
    expect(verdict.slopeMibPerMinute).toBeCloseTo(7.4, 5);
  });

  it("fails when the last window grew beyond the bound after the warm-up", () => {
    expect(memoryVerdict([window(0, 100), window(30, 100), window(60, 140)], 16, 60).flat).toBe(false);
  });

  it("uses the first window as the reference when the run is not longer than the warm-up", () => {
    expect(memoryVerdict([window(0, 100)], 16, 60)).toMatchObject({ warmMib: 100, lastMib: 100, flat: true });
    expect(memoryVerdict([window(0, 100), window(30, 140)], 16, 60)).toMatchObject({ warmMib: 100, flat: false });
  });

  it("slope of a line", () => {
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2, 10);
  });
});
