/**
 * The Usage page's filter as URL search params (so a filtered view can be bookmarked and shared), the API filter it
 * stands for, and the cursor paging that goes back as well as forward.
 *
 * Params: `from`, `to` (UTC days "YYYY-MM-DD", both included; left out when they are the default last 30 days),
 * `model`, `key`, `status`, `cursor` (the API's cursor of the page shown; absent on the first page).
 */
import type { UsageFilter, UsageStatus } from "../../lib/api-types";
import { dayRangeFilter, isDay, lastDays } from "../../lib/usage-series";

export const DEFAULT_RANGE_DAYS = 30;
export const USAGE_STATUSES: readonly UsageStatus[] = ["ok", "error", "cancelled"];
export const PAGE_SIZE = 50;

export interface UsageSearch {
  from: string;
  to: string;
  model: string | null;
  keyId: string | null;
  status: UsageStatus | null;
  cursor: string | null;
}

function text(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim() ?? "";
  return value === "" ? null : value;
}

/** Reads the filter from search params; anything missing or invalid falls back to the default. */
export function parseUsageSearch(params: URLSearchParams, today: string): UsageSearch {
  const defaults = lastDays(today, DEFAULT_RANGE_DAYS);
  const fromParam = text(params, "from");
  const toParam = text(params, "to");
  let to = toParam !== null && isDay(toParam) ? toParam : defaults.to;
  let from = fromParam !== null && isDay(fromParam) ? fromParam : lastDays(to, DEFAULT_RANGE_DAYS).from;
  if (from > to) [from, to] = [to, from];
  const status = text(params, "status");
  return {
    from,
    to,
    model: text(params, "model"),
    keyId: text(params, "key"),
    status: USAGE_STATUSES.find((value) => value === status) ?? null,
    cursor: text(params, "cursor"),
  };
}

/** The search params of a filter: only what differs from the defaults, in a stable order. */
export function usageSearchParams(search: UsageSearch, today: string): URLSearchParams {
  const params = new URLSearchParams();
  const defaults = lastDays(today, DEFAULT_RANGE_DAYS);
  const defaultFrom = lastDays(search.to, DEFAULT_RANGE_DAYS).from;
  if (search.from !== defaultFrom) params.set("from", search.from);
  if (search.to !== defaults.to || search.from !== defaultFrom) params.set("to", search.to);
  if (search.model) params.set("model", search.model);
  if (search.keyId) params.set("key", search.keyId);
  if (search.status) params.set("status", search.status);
  if (search.cursor) params.set("cursor", search.cursor);
  return params;
}

/** A changed filter starts again at the first page. */
export function withFilter(search: UsageSearch, change: Partial<Omit<UsageSearch, "cursor">>): UsageSearch {
  const next = { ...search, ...change, cursor: null };
  if (next.from > next.to) [next.from, next.to] = [next.to, next.from];
  return next;
}

/** The API's filter (exclusive end) for a search. */
export function usageApiFilter(search: UsageSearch): UsageFilter {
  return {
    ...dayRangeFilter(search.from, search.to),
    model: search.model,
    keyId: search.keyId,
    status: search.status,
  };
}

/** The same date range without the other filters: where the model and key choices come from. */
export function rangeOnlyFilter(search: UsageSearch): UsageFilter {
  return dayRangeFilter(search.from, search.to);
}

/** Whether any filter besides the date range is set. */
export function hasNarrowingFilter(search: UsageSearch): boolean {
  return search.model !== null || search.keyId !== null || search.status !== null;
}

// Paging: the API only pages forward (keyset cursors), so the cursors of the pages before the current one travel in
// the history entry's state ("" stands for the first page). Browser back and forward keep working as well.

export interface PageHistory {
  /** Cursors of the earlier pages, oldest first. */
  previous: string[];
}

export function readPageHistory(state: unknown): PageHistory {
  const previous = (state as { usagePrevious?: unknown } | null)?.usagePrevious;
  return {
    previous: Array.isArray(previous) ? previous.filter((entry): entry is string => typeof entry === "string") : [],
  };
}

export function pageHistoryState(history: PageHistory): { usagePrevious: string[] } {
  return { usagePrevious: history.previous };
}

/** Moving to the next (older) page. */
export function nextPage(current: string | null, history: PageHistory, nextCursor: string) {
  return { cursor: nextCursor, history: { previous: [...history.previous, current ?? ""] } };
}

/** Moving back to the previous (newer) page; the first page when the way back is unknown (a reload). */
export function previousPage(history: PageHistory) {
  const previous = history.previous.at(-1);
  return {
    cursor: previous === undefined || previous === "" ? null : previous,
    history: { previous: history.previous.slice(0, -1) },
  };
}
