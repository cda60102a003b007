import { describe, expect, it } from "vitest";
import type { UsageSummary } from "./api-types";
import {
  addDays,
  dayRangeFilter,
  daysBetween,
  isDay,
  lastDays,
  OTHER_SERIES_KEY,
  peakDay,
  stackByDay,
  topN,
} from "./usage-series";

const row = (day: string, model: string, requests: number, costMicroUsd: number): UsageSummary["byDay"][number] => ({
  day,
  model,
  requests,
  costMicroUsd,
});

describe("UTC days", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(daysBetween("2026-03-02", "2026-03-01")).toEqual([]);
  });

  it("gives the last 30 days and the API filter with an exclusive end", () => {
    expect(lastDays("2026-12-06", 30)).toEqual({ from: "2026-11-07", to: "2026-12-06" });
    expect(dayRangeFilter("2026-11-07", "2026-12-06")).toEqual({
      from: "2026-11-07T00:00:00.000Z",
      to: "2026-12-07T00:00:00.000Z",
    });
  });

  it("recognises real days only", () => {
    expect(isDay("2026-12-06")).toBe(true);
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("2026-12-6")).toBe(false);
    expect(isDay("")).toBe(false);
  });
});

describe("stackByDay", () => {
  it("zero-fills every day of the range and stacks by model", () => {
    const data = stackByDay(
      [row("2026-12-01", "a/x", 2, 300), row("2026-12-03", "a/x", 1, 100), row("2026-12-03", "b/y.1", 5, 50)],
      { from: "2026-12-01", to: "2026-12-04", metric: "costMicroUsd" },
    );
    expect(data.days).toEqual(["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
    expect(data.series).toEqual([
      { key: "s0", model: "a/x", total: 400 },
      { key: "s1", model: "b/y.1", total: 50 },
    ]);
    expect(data.rows).toEqual([
      { day: "2026-12-01", s0: 300, s1: 0 },
      { day: "2026-12-02", s0: 0, s1: 0 },
      { day: "2026-12-03", s0: 100, s1: 50 },
      { day: "2026-12-04", s0: 0, s1: 0 },
    ]);
    expect(data.total).toBe(450);
    expect(peakDay(data)).toEqual({ day: "2026-12-01", value: 300 });
  });

  it("ranks by the chosen metric and folds the tail into one other series", () => {
    const rows = [
      row("2026-12-01", "m1", 1, 600),
      row("2026-12-01", "m2", 2, 500),
      row("2026-12-01", "m3", 30, 400),
      row("2026-12-02", "m4", 4, 300),
    ];
    const byRequests = stackByDay(rows, { from: "2026-12-01", to: "2026-12-02", metric: "requests", maxSeries: 2 });
    expect(byRequests.series.map((entry) => entry.model)).toEqual(["m3", "m4", null]);
    expect(byRequests.series[2]).toEqual({ key: OTHER_SERIES_KEY, model: null, total: 3 });
    expect(byRequests.rows[0]).toEqual({ day: "2026-12-01", s0: 30, s1: 0, other: 3 });
    expect(byRequests.total).toBe(37);
  });

  it("names a lone leftover model instead of calling it other", () => {
    const rows = [row("2026-12-01", "m1", 1, 3), row("2026-12-01", "m2", 1, 2), row("2026-12-01", "m3", 1, 1)];
    const data = stackByDay(rows, { from: "2026-12-01", to: "2026-12-01", metric: "costMicroUsd", maxSeries: 2 });
    expect(data.series.map((entry) => entry.model)).toEqual(["m1", "m2", "m3"]);
  });

  it("leaves out rows outside the range and is empty without data", () => {
    const data = stackByDay([row("2026-11-30", "m1", 1, 1)], {
      from: "2026-12-01",
      to: "2026-12-02",
      metric: "requests",
    });
    expect(data.series).toEqual([]);
    expect(data.rows).toEqual([{ day: "2026-12-01" }, { day: "2026-12-02" }]);
    expect(data.total).toBe(0);
    expect(peakDay(data)).toBeNull();
  });
});

describe("topN", () => {
  it("keeps the largest, in a stable order, and counts the rest", () => {
    const items = [
      { id: "a", v: 1 },
      { id: "b", v: 3 },
      { id: "c", v: 3 },
      { id: "d", v: 2 },
    ];
    const { top, more } = topN(items, 3, (item) => item.v);
    expect(top.map((item) => item.id)).toEqual(["b", "c", "d"]);
    expect(more).toBe(1);
    expect(topN(items, 10, (item) => item.v).more).toBe(0);
  });
});
