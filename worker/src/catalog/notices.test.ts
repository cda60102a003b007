import { describe, expect, it } from "vitest";
import { noticeListSchema } from "../contracts/dashboard-api.ts";
import { NOTICES, POLICY_NOTICE_DAYS, currentNotices, noticeProblems, type NoticeEntry } from "./notices.ts";

const DAY_MS = 86_400_000;

describe("notices", () => {
  it("every entry is well formed: dates, both languages, policy changes announced 30 days ahead", () => {
    for (const entry of NOTICES) expect(noticeProblems(entry), entry.id).toEqual([]);
    expect(new Set(NOTICES.map((entry) => entry.id)).size).toBe(NOTICES.length);
    expect(noticeListSchema.parse({ data: currentNotices(new Date()) }).data.length).toBeGreaterThan(0);
  });

  it("lists the current privacy policy version", () => {
    const policy = currentNotices(new Date("2026-12-07T00:00:00Z")).find((notice) => notice.kind === "policy");
    expect(policy).toMatchObject({ policyVersion: "2026-12-06", effectiveAt: "2026-12-06T00:00:00.000Z" });
  });

  const change = (published: string, effective: string): NoticeEntry => ({
    id: "privacy-policy-next",
    kind: "policy",
    policyVersion: "next",
    supersedes: "2026-12-06",
    publishedAt: published,
    effectiveAt: effective,
    title: { en: "t", bn: "ত" },
    body: { en: "b", bn: "ব" },
  });

  it(`refuses a policy change that takes effect less than ${POLICY_NOTICE_DAYS} days after publication`, () => {
    expect(noticeProblems(change("2027-01-01T00:00:00Z", "2027-01-30T23:59:59Z"))).toHaveLength(1);
    expect(noticeProblems(change("2027-01-01T00:00:00Z", "2027-01-31T00:00:00Z"))).toEqual([]);
  });

  it("shows a change once published, alongside the version it replaces until it takes effect", () => {
    const next = change("2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z");
    const entries = [...NOTICES, next];
    const versions = (at: string) => currentNotices(new Date(at), entries).map((notice) => notice.policyVersion);
    expect(versions("2026-12-31T00:00:00Z")).toEqual(["2026-12-06"]);
    expect(versions("2027-01-15T00:00:00Z")).toEqual(["next", "2026-12-06"]);
    expect(versions("2027-02-01T00:00:00Z")).toEqual(["next"]);
    expect(Date.parse(next.effectiveAt ?? "") - Date.parse(next.publishedAt)).toBeGreaterThanOrEqual(30 * DAY_MS);
  });
});
