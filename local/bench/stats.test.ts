import { describe, expect, it } from "vitest";
import { addedLatency, percentile, percentileOfSorted, requestsPerSecond, summarizeLatencies } from "./stats.ts";

describe("percentileOfSorted", () => {
  it("interpolates linearly between the closest ranks", () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentileOfSorted(values, 0)).toBe(1);
    expect(percentileOfSorted(values, 100)).toBe(10);
    expect(percentileOfSorted(values, 50)).toBeCloseTo(5.5);
    expect(percentileOfSorted(values, 90)).toBeCloseTo(9.1);
    expect(percentileOfSorted(values, 99)).toBeCloseTo(9.91);
  });

  it("returns the only value of a single sample and NaN for none", () => {
    expect(percentileOfSorted([4.2], 99)).toBe(4.2);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  it("refuses a percentile outside 0..100", () => {
    expect(() => percentileOfSorted([1], 101)).toThrow(RangeError);
    expect(() => percentileOfSorted([1], -1)).toThrow(RangeError);
  });
});

describe("percentile", () => {
  it("sorts a copy and leaves the input alone", () => {
    const values = [9, 1, 5];
    expect(percentile(values, 50)).toBe(5);
    expect(values).toEqual([9, 1, 5]);
  });
});

describe("summarizeLatencies", () => {
  it("reports count, mean, min, max and p50/p90/p99", () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index); // 100..1, unsorted
    const summary = summarizeLatencies(values);
    expect(summary).toMatchObject({ count: 100, min: 1, max: 100 });
    expect(summary.mean).toBeCloseTo(50.5);
    expect(summary.p50).toBeCloseTo(50.5);
    expect(summary.p90).toBeCloseTo(90.1);
    expect(summary.p99).toBeCloseTo(99.01);
  });

  it("is all NaN but the count for no samples", () => {
    const summary = summarizeLatencies([]);
    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.mean).toBeNaN();
  });
});

describe("addedLatency", () => {
  it("subtracts the direct percentiles from the gateway's", () => {
    const gateway = summarizeLatencies([2, 3, 4, 5, 20]);
    const direct = summarizeLatencies([1, 1.5, 2, 2.5, 3]);
    const added = addedLatency(gateway, direct);
    expect(added.p50).toBeCloseTo(2);
    expect(added.p90).toBeCloseTo(gateway.p90 - direct.p90);
    expect(added.p99).toBeCloseTo(19.4 - 2.98); // 5 + 0.96 * 15 minus 2.5 + 0.96 * 0.5
  });
});

describe("requestsPerSecond", () => {
  it("divides requests by seconds and is NaN without elapsed time", () => {
    expect(requestsPerSecond(500, 250)).toBe(2000);
    expect(requestsPerSecond(5, 0)).toBeNaN();
  });
});
