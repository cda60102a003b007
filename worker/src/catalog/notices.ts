/**
 * In-product notices (`GET /api/notices`), as typed data: policy versions and service notices, each in English and
 * Bangla. Policy 9: a material change of the privacy policy is announced here at least 30 days before it takes
 * effect, so a policy notice that changes an earlier version has `effectiveAt` at least 30 days after
 * `publishedAt` (notices.test.ts holds every entry to it). The SPA keeps what the user has read (localStorage); the
 * endpoint lists the notices that are current at the time of the request.
 *
 * To announce a new policy version: add an entry with `supersedes` set to the version it replaces, publish it at
 * least 30 days ahead, and keep the older entry until the new one is in force.
 */
import type { Notice } from "../contracts/dashboard-api.ts";

export const POLICY_NOTICE_DAYS = 30;

export type NoticeEntry = Notice &
  (
    | { kind: "policy"; policyVersion: string; effectiveAt: string; supersedes: string | null }
    | { kind: "service"; policyVersion: null; supersedes?: never }
  ) & {
    /** Listed until then (exclusive); absent: until removed from this file. */
    expiresAt?: string;
  };

export const NOTICES: readonly NoticeEntry[] = [
  {
    id: "privacy-policy-2026-12-06",
    kind: "policy",
    policyVersion: "2026-12-06",
    // The first version kept in this repository (docs/privacy-policy.txt); it changes no earlier version, so it is
    // in force from publication. Later versions supersede it and wait out the 30 days.
    supersedes: null,
    publishedAt: "2026-12-06T00:00:00.000Z",
    effectiveAt: "2026-12-06T00:00:00.000Z",
    title: {
      en: "Our privacy policy",
      bn: "আমাদের গোপনীয়তা নীতি",
    },
    body: {
      en:
        "We store no prompt or response content, never train on your prompts, and keep usage metadata only as long " +
        "as the policy says. Read the full policy (version 2026-12-06) on the Policy page.",
      bn:
        "আমরা কোনো প্রম্পট বা উত্তরের বিষয়বস্তু সংরক্ষণ করি না, আপনার প্রম্পটে কখনো মডেল প্রশিক্ষণ দিই না, এবং " +
        "ব্যবহারের মেটাডেটা শুধু নীতিতে বলা সময় পর্যন্ত রাখি। পুরো নীতি (সংস্করণ ২০২৬-১২-০৬) নীতি পাতায় পড়ুন।",
    },
  },
];

const DAY_MS = 86_400_000;

/** What is wrong with an entry (empty: nothing). */
export function noticeProblems(entry: NoticeEntry): string[] {
  const problems: string[] = [];
  const published = Date.parse(entry.publishedAt);
  if (Number.isNaN(published)) problems.push(`${entry.id}: publishedAt is not a date`);
  if (entry.kind === "policy") {
    const effective = Date.parse(entry.effectiveAt);
    if (Number.isNaN(effective)) problems.push(`${entry.id}: effectiveAt is not a date`);
    if (entry.supersedes !== null && effective - published < POLICY_NOTICE_DAYS * DAY_MS) {
      problems.push(`${entry.id}: a policy change takes effect at least ${POLICY_NOTICE_DAYS} days after publication`);
    }
    if (effective < published) problems.push(`${entry.id}: takes effect before it is published`);
  }
  return problems;
}

/** The notices to show at `now`: published, not expired, and not a policy version superseded by one in force. */
export function currentNotices(now: Date, entries: readonly NoticeEntry[] = NOTICES): Notice[] {
  const at = now.getTime();
  const inForce = (entry: NoticeEntry) => entry.kind === "policy" && Date.parse(entry.effectiveAt) <= at;
  const superseded = new Set(
    entries.filter((entry) => inForce(entry) && entry.kind === "policy" && entry.supersedes).map((e) => e.supersedes),
  );
  return entries
    .filter((entry) => Date.parse(entry.publishedAt) <= at)
    .filter((entry) => entry.expiresAt === undefined || Date.parse(entry.expiresAt) > at)
    .filter((entry) => !(entry.kind === "policy" && superseded.has(entry.policyVersion)))
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
    .map(({ id, kind, title, body, publishedAt, effectiveAt, policyVersion }) => ({
      id,
      kind,
      title,
      body,
      publishedAt,
      effectiveAt,
      policyVersion,
    }));
}
