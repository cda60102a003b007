/**
 * Pure shaping of the usage summary for charts and lists, shared by the Overview and Usage pages: UTC day ranges,
 * `byDay` rows stacked by model with every day of the range present (zero when nothing ran), and top-N lists.
 */
import type { UsageFilter, UsageSummary } from "./api-types";

const DAY_MS = 86_400_000;
/** A chart never draws more bars than this; a longer range keeps its most recent days. */
export const MAX_CHART_DAYS = 366;

/** "YYYY-MM-DD" of a moment, in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether a string is a real calendar day "YYYY-MM-DD". */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && utcDay(date) === value;
}

/** The day `days` after (or before, when negative) a day. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS));
}

/** Every day from `from` to `to`, both included (empty when `to` is before `from`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length <= MAX_CHART_DAYS * 10; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The last `count` UTC days up to and including `today`. */
export function lastDays(today: string, count: number): { from: string; to: string } {
  return { from: addDays(today, -(count - 1)), to: today };
}

/** The API's filter for whole UTC days, `to` included (the API's `to` is exclusive). */
export function dayRangeFilter(from: string, to: string): UsageFilter {
  return { from: `${from}T00:00:00.000Z`, to: `${addDays(to, 1)}T00:00:00.000Z` };
}

export type UsageMetric = "costMicroUsd" | "requests";

/** One stacked series: a model, or every other model together (`model` null). */
export interface ChartSeries {
  /** A key safe for a chart library's data keys (model ids contain "." and "/"). */
  key: string;
  model: string | null;
  total: number;
}

export type ChartRow = { day: string } & Record<string, number | string>;

export interface StackedUsage {
  days: string[];
  series: ChartSeries[];
  /** One per day, oldest first: `day` and one number per series key (0 when nothing ran). */
  rows: ChartRow[];
  total: number;
}

export const OTHER_SERIES_KEY = "other";

/**
 * Stacks `byDay` rows by model for every day of [from, to]: the `maxSeries` models with the largest total of the
 * metric get their own series, the rest one "other" series. Rows outside the range are left out.
 */
export function stackByDay(
  byDay: UsageSummary["byDay"],
  options: { from: string; to: string; metric: UsageMetric; maxSeries?: number },
): StackedUsage {
  const allDays = daysBetween(options.from, options.to);
  const days = allDays.slice(-MAX_CHART_DAYS);
  const inRange = new Set(days);
  const rowsInRange = byDay.filter((row) => inRange.has(row.day.slice(0, 10)));

  const totals = new Map<string, number>();
  for (const row of rowsInRange) totals.set(row.model, (totals.get(row.model) ?? 0) + row[options.metric]);
  const ranked = [...totals.entries()]
    .filter(([, total]) => total > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const maxSeries = Math.max(1, options.maxSeries ?? 5);
  // An "other" series of a single model would hide its name for nothing: show it instead.
  const own = ranked.length <= maxSeries + 1 ? ranked : ranked.slice(0, maxSeries);
  const rest = ranked.slice(own.length);

  const series: ChartSeries[] = own.map(([model, total], index) => ({ key: `s${index}`, model, total }));
  const keyOfModel = new Map(series.map((entry) => [entry.model, entry.key]));
  if (rest.length > 0) {
    series.push({ key: OTHER_SERIES_KEY, model: null, total: rest.reduce((sum, [, total]) => sum + total, 0) });
  }

  const rowOfDay = new Map<string, ChartRow>();
  const rows = days.map((day) => {
    const row: ChartRow = { day };
    for (const entry of series) row[entry.key] = 0;
    rowOfDay.set(day, row);
    return row;
  });
  for (const source of rowsInRange) {
    const row = rowOfDay.get(source.day.slice(0, 10));
    if (!row) continue;
    const key = keyOfModel.get(source.model) ?? OTHER_SERIES_KEY;
    if (key in row) row[key] = (row[key] as number) + source[options.metric];
  }
  const total = series.reduce((sum, entry) => sum + entry.total, 0);
  return { days, series, rows, total };
}

/** The value of a row for a series (0 when absent). */
export function seriesValue(row: ChartRow, key: string): number {
  const value = row[key];
  return typeof value === "number" ? value : 0;
}

/** The busiest day of a stacked chart (null when every day is zero). */
export function peakDay(data: StackedUsage): { day: string; value: number } | null {
  let peak: { day: string; value: number } | null = null;
  for (const row of data.rows) {
    const value = data.series.reduce((sum, entry) => sum + seriesValue(row, entry.key), 0);
    if (value > 0 && (peak === null || value > peak.value)) peak = { day: row.day, value };
  }
  return peak;
}

/** The first `count` items by a value, largest first (ties keep their order), and how many were left out. */
export function topN<Item>(items: readonly Item[], count: number, value: (item: Item) => number) {
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => value(b.item) - value(a.item) || a.index - b.index)
    .map(({ item }) => item);
  return { top: sorted.slice(0, Math.max(0, count)), more: Math.max(0, sorted.length - count) };
}
