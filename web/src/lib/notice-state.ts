/** Which notices the user dismissed, by notice id, kept in localStorage (per browser, not per account). */
import type { Notice } from "./api-types";

export const NOTICE_STORAGE_KEY = "omnizen.notices.read";

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readNoticeIds(storage: KeyValueStorage | null | undefined): Set<string> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(NOTICE_STORAGE_KEY) ?? "[]");
    return new Set(Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : []);
  } catch {
    return new Set();
  }
}

export function markNoticeRead(storage: KeyValueStorage | null | undefined, id: string): Set<string> {
  const ids = readNoticeIds(storage);
  ids.add(id);
  try {
    storage?.setItem(NOTICE_STORAGE_KEY, JSON.stringify([...ids]));
  } catch {
    // Storage full or unavailable: the notice stays dismissed for this visit only.
  }
  return ids;
}

/** Unread notices, newest first. */
export function unreadNotices(notices: readonly Notice[], readIds: ReadonlySet<string>): Notice[] {
  return notices
    .filter((notice) => !readIds.has(notice.id))
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
}

export function browserStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
