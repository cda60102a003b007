import { describe, expect, it } from "vitest";
import type { Notice } from "./api-types";
import { markNoticeRead, NOTICE_STORAGE_KEY, readNoticeIds, unreadNotices, type KeyValueStorage } from "./notice-state";

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { values: Record<string, string> } {
  const values = { ...initial };
  return {
    values,
    getItem: (key) => values[key] ?? null,
    setItem: (key, value) => {
      values[key] = value;
    },
  };
}

function notice(id: string, publishedAt: string): Notice {
  return {
    id,
    kind: "service",
    title: { en: "Title", bn: "শিরোনাম" },
    body: { en: "Body", bn: "বিবরণ" },
    publishedAt,
    effectiveAt: null,
    policyVersion: null,
  };
}

describe("notice read state", () => {
  it("starts empty, remembers dismissed ids, and keeps them across reads", () => {
    const storage = memoryStorage();
    expect(readNoticeIds(storage).size).toBe(0);
    markNoticeRead(storage, "policy-2027-01");
    markNoticeRead(storage, "policy-2027-01");
    markNoticeRead(storage, "maintenance-1");
    expect([...readNoticeIds(storage)].sort()).toEqual(["maintenance-1", "policy-2027-01"]);
    expect(JSON.parse(storage.values[NOTICE_STORAGE_KEY] ?? "")).toHaveLength(2);
  });

  it("survives corrupt or foreign storage values and missing storage", () => {
    expect(readNoticeIds(memoryStorage({ [NOTICE_STORAGE_KEY]: "{not json" })).size).toBe(0);
    expect([...readNoticeIds(memoryStorage({ [NOTICE_STORAGE_KEY]: '["a", 3, null]' }))]).toEqual(["a"]);
    expect(readNoticeIds(null).size).toBe(0);
    expect([...markNoticeRead(null, "x")]).toEqual(["x"]);
    const failing: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("quota");
      },
    };
    expect([...markNoticeRead(failing, "x")]).toEqual(["x"]);
  });

  it("lists unread notices newest first", () => {
    const notices = [
      notice("old", "2026-01-01T00:00:00Z"),
      notice("new", "2026-06-01T00:00:00Z"),
      notice("read", "2026-03-01T00:00:00Z"),
    ];
    expect(unreadNotices(notices, new Set(["read"])).map((item) => item.id)).toEqual(["new", "old"]);
    expect(unreadNotices(notices, new Set(["old", "new", "read"]))).toEqual([]);
  });
});
