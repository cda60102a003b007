import { defineMessages } from "../../lib/i18n";

export const noticeMessages = defineMessages({
  en: {
    region: "Notices",
    dismiss: "Dismiss",
    effective: "Takes effect on {date}.",
    policyVersion: "Privacy policy version {version}.",
    readPolicy: "Read the policy",
    policyTitle: "Privacy policy",
    policyDescription: "What omnizen collects, why, and what you can do about it.",
    policyMeta: "Version {version}, effective {date}.",
    policyLanguage: "The policy text is in English.",
    back: "Back to the dashboard",
  },
  bn: {
    region: "নোটিশ",
    dismiss: "বাদ দিন",
    effective: "{date} থেকে কার্যকর।",
    policyVersion: "গোপনীয়তা নীতির সংস্করণ {version}।",
    readPolicy: "নীতিটি পড়ুন",
    policyTitle: "গোপনীয়তা নীতি",
    policyDescription: "omnizen কী সংগ্রহ করে, কেন করে, এবং এ বিষয়ে আপনি কী করতে পারেন।",
    policyMeta: "সংস্করণ {version}, কার্যকর {date}।",
    policyLanguage: "নীতির লেখাটি ইংরেজিতে।",
    back: "ড্যাশবোর্ডে ফিরে যান",
  },
});
